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
  /** With result reuse configured: whether the job would reuse an earlier success, and why (not). */
  reuse?: { reused: boolean; from_run: number | null; reason: string };
}

/** How reuse predictions are keyed: `<workflow file>#<job key>`. */
export const reuseKey = (workflowFile: string, jobKey: string): string => `${workflowFile}#${jobKey}`;

/** Reuse predictions by reuseKey. */
export type ReuseByJob = ReadonlyMap<string, { reused: boolean; fromRun?: number; reason: string }>;

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

function jobJson(w: PlannedWorkflow, j: PlannedJob, reuse: ReuseByJob | undefined): PlanJsonJob {
  const r = reuse?.get(reuseKey(w.file, j.key));
  return {
    id: j.id,
    name: j.name,
    matrix: j.matrix,
    needs: j.needs,
    ...(j.deferred ? { deferred: j.deferred } : {}),
    ...(j.calls ? { calls: workflowJson(j.calls, undefined) } : {}),
    ...(r ? { reuse: { reused: r.reused, from_run: r.fromRun ?? null, reason: r.reason } } : {}),
  };
}

function workflowJson(w: PlannedWorkflow, reuse: ReuseByJob | undefined): PlanJsonWorkflow {
  return { file: w.file, name: w.name, fired: w.fired, reason: w.reason, jobs: w.jobs.map((j) => jobJson(w, j, reuse)) };
}

export function planToJson(plan: Plan, reuse?: ReuseByJob): PlanJson {
  return {
    event: plan.event,
    ref: plan.ref,
    sha: plan.sha,
    ...(plan.changedFiles ? { changed_files: plan.changedFiles } : {}),
    tiers: plan.tiers.map((t) => ({ name: t.name, budget_ms: t.budgetMs ?? null, workflows: t.workflows.map((w) => workflowJson(w, reuse)) })),
  };
}
