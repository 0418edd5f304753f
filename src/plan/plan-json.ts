// The `plan --json` contract of DESIGN.md; nothing else may change its shape.
import type { YamlValue } from "../workflow/model.js";
import type { Plan, PlannedJob, PlannedWorkflow } from "./plan-types.js";

export interface PlanJsonJob {
  id: string;
  name: string;
  matrix: Record<string, YamlValue> | null;
  needs: string[];
  deferred?: string;
  calls?: PlanJsonWorkflow;
}

export interface PlanJsonWorkflow {
  file: string;
  name: string;
  fired: boolean;
  reason: string;
  jobs: PlanJsonJob[];
}

export interface PlanJson {
  event: string;
  ref: string;
  sha: string;
  changed_files?: string[];
  tiers: { name: string; budget_ms: number | null; workflows: PlanJsonWorkflow[] }[];
}

function jobJson(j: PlannedJob): PlanJsonJob {
  return {
    id: j.id,
    name: j.name,
    matrix: j.matrix,
    needs: j.needs,
    ...(j.deferred ? { deferred: j.deferred } : {}),
    ...(j.calls ? { calls: workflowJson(j.calls) } : {}),
  };
}

function workflowJson(w: PlannedWorkflow): PlanJsonWorkflow {
  return { file: w.file, name: w.name, fired: w.fired, reason: w.reason, jobs: w.jobs.map(jobJson) };
}

export function planToJson(plan: Plan): PlanJson {
  return {
    event: plan.event,
    ref: plan.ref,
    sha: plan.sha,
    ...(plan.changedFiles ? { changed_files: plan.changedFiles } : {}),
    tiers: plan.tiers.map((t) => ({ name: t.name, budget_ms: t.budgetMs ?? null, workflows: t.workflows.map(workflowJson) })),
  };
}
