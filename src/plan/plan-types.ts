// The plan: which workflows fire for an event, and their jobs in tiers. Pure data;
// the engine runs it and the CLI prints it.
import type { Job, ReportGlobs, Workflow, YamlValue } from "../workflow/model.js";

export interface PlannedJob {
  /** The job id from the workflow file. */
  id: string;
  /** Unique inside its workflow: the id, plus ` (values)` for matrix instances. */
  key: string;
  /** Display name as GitHub shows it, e.g. `unit-tests (3.11)`. */
  name: string;
  matrix: Record<string, YamlValue> | null;
  needs: string[];
  /** Why the job's matrix could not be expanded before the run (it reads `needs` outputs). */
  deferred?: string;
  /** For a job that calls a local reusable workflow: the called workflow's jobs. */
  calls?: PlannedWorkflow;
  /** Inputs for the called workflow (`with:`), evaluated. */
  callInputs?: Record<string, YamlValue>;
  /** Index and total inside the matrix, for the strategy context. */
  matrixIndex: number;
  matrixTotal: number;
  job: Job;
}

export interface PlannedWorkflow {
  file: string;
  name: string;
  fired: boolean;
  reason: string;
  jobs: PlannedJob[];
  /** The `inputs` context for this workflow (dispatch or call inputs with defaults applied). */
  inputs: Record<string, YamlValue>;
  workflow: Workflow;
}

export interface PlannedTier {
  name: string;
  budgetMs?: number;
  /** Where this tier's jobs leave test, coverage and SARIF reports. */
  reports: ReportGlobs;
  workflows: PlannedWorkflow[];
}

export interface Plan {
  event: string;
  ref: string;
  sha: string;
  payload: Record<string, unknown>;
  /** Files changed in this event, when known (path filters used them). */
  changedFiles?: string[];
  tiers: PlannedTier[];
}
