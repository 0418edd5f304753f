// The pipeline's interface: what a caller (the CLI, the pre-push hook, the server, an agent)
// asks for, where the pipeline reports as it goes, and what it hands back.
import type { ConcurrencyGate } from "../engine/concurrency.js";
import type { JobRef, RunOutcome, SchedulerEvent, Slots } from "../engine/scheduler.js";
import type { EventFacts } from "../plan/event-filter.js";
import type { Plan } from "../plan/plan-types.js";
import type { RunSummary } from "../reports/run-summary.js";
import type { JobRequest, JobResult, JobSink } from "../runner/job-types.js";
import type { RunRecord, RunStore } from "../store/index.js";
import type { Diagnostic } from "../workflow/model.js";
import type { ReuseMode } from "./reuse/job-identity.js";

/** An event made elsewhere (a server's webhook), used as it is instead of one made from the checkout. */
export interface PreparedEvent {
  payload: Record<string, unknown>;
  sha: string;
  ref: string;
  facts: EventFacts;
}

/** Which repository, which workflows and which event: what loading and planning need. */
export interface EventRequest {
  /** The repository's directory. */
  repo: string;
  /** `-W`: a workflow file or directory, relative to the repository. */
  workflows?: string;
  event: string;
  /** A JSON payload that overrides the one made from git. */
  eventPath?: string;
  /** The whole event, when the caller has it: nothing is made from the checkout. */
  prepared?: PreparedEvent;
  inputs: Record<string, string>;
  vars: Record<string, string>;
  actor?: string;
}

export interface PipelineRequest extends EventRequest {
  /** Only this job and the jobs it needs (`--job`). */
  job?: string;
  /** Only these workflow files (names under .github/workflows): a re-run of the failed ones. */
  workflowFiles?: string[];
  /** Jobs kept from the run this one re-runs, by jobKey, with their outputs: they are not run again. */
  kept?: ReadonlyMap<string, Record<string, string>>;
  /** Only this tier (by name). */
  tier?: string;
  /** Only the first tier, whatever its name: what the pre-push hook runs. */
  firstTier?: boolean;
  secrets: Record<string, string>;
  /** Environment variables for every job, below the workflow's own `env:`. */
  env: Record<string, string>;
  /** Jobs at once; the number of cores when absent. */
  maxJobs?: number;
  /** false: every tier starts at once, as GitHub runs all workflows. */
  gate: boolean;
  enforceBudgets: boolean;
  reuseWorkspace: boolean;
  keepWorkspace: boolean;
  actionDirs: string[];
  offline: boolean;
  debug: boolean;
  /** tierci's state (database, caches, artifacts, reports); `<repo>/.tierci` when absent. */
  stateDir?: string;
  /** The run database; `<stateDir>/tierci.db` when absent. Ignored when `store` is given. */
  db?: string;
  /** Bytes of log kept per job in the database (64 MiB when absent). Ignored when `store` is given. */
  logBytesPerJob?: number;
  /** A store the caller keeps open (a server's); otherwise the pipeline opens and closes its own. */
  store?: RunStore;
  /** A job pool shared with other runs (a server's executor pool); maxJobs is not used then. */
  pool?: Slots;
  /**
   * The repository as the run history knows it, when `repo` is a throwaway checkout (a server's):
   * runs recorded under one name share numbering and history. `repo` by default.
   */
  recordAs?: string;
  /** Concurrency groups shared with other runs (a server's); by default the run's workflows and jobs share one of their own. */
  concurrency?: ConcurrencyGate;
  /** Cancels the run: running jobs are cancelled as GitHub cancels them, `always()` steps still run. */
  signal?: AbortSignal;
  /**
   * Result reuse: "policy" (the default) as tiers.yml's `reuse:` says, "all" (`--reuse`) for
   * every job, "none" (`--no-reuse`) runs everything.
   */
  reuse?: ReuseMode;
  /** Runs a job attempt somewhere else (a server's agents); on this host with `runJob` when absent. */
  runJob?: (req: JobRequest) => Promise<JobResult>;
}

/** Where the pipeline reports while it goes. Every member is optional. */
export interface PipelineSinks {
  /** Problems that do not stop the run (run-time-only ones), found while loading and planning. */
  diagnostics?(found: Diagnostic[]): void;
  /** One-line notes: how the event was made, how running here differs from GitHub. */
  note?(text: string): void;
  /** Tiers and jobs starting and ending. */
  event?(e: SchedulerEvent): void;
  /** The plan the run follows, once it is known to run something. */
  planned?(plan: Plan): void;
  /** A job's record is complete (its log, results and conclusion are in the store). */
  jobEnded?(jobRowId: number): void;
  /** The run is recorded and about to start its jobs. */
  runStarted?(run: RunRecord): void;
  /** A job's steps, logs and annotations, each passed on after the store has it (as row `jobRowId`). */
  job?(ref: JobRef, workflowName: string, jobRowId: number): JobSink;
}

export type PipelineResult =
  { kind: "nothing-fired"; plan: Plan } | { kind: "ran"; plan: Plan; runId: string; runNumber: number; outcome: RunOutcome; summary: RunSummary };

/** The input cannot run: invalid workflows, or a selection that matches nothing. Nothing ran. */
export class PipelineRefused extends Error {
  override readonly name = "PipelineRefused";
  constructor(
    message: string,
    /** The errors to show, positioned; empty when the message says it all. */
    readonly diagnostics: Diagnostic[] = [],
  ) {
    super(message);
  }
}
