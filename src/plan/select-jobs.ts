// `--job ID`: narrow a plan to the named job and the jobs it needs, as act does.
import { transitiveNeeds } from "../workflow/dag.js";
import type { Plan, PlannedWorkflow } from "./plan-types.js";

function narrow(w: PlannedWorkflow, jobId: string): PlannedWorkflow {
  if (!w.fired || !w.jobs.some((j) => j.id === jobId)) {
    return { ...w, fired: false, reason: w.fired ? `has no job '${jobId}' (--job)` : w.reason, jobs: [] };
  }
  const unique = [...new Map(w.jobs.map((j) => [j.id, { id: j.id, needs: j.needs }])).values()];
  const keep = new Set([jobId, ...transitiveNeeds(unique, jobId)]);
  return { ...w, jobs: w.jobs.filter((j) => keep.has(j.id)) };
}

/** The plan with only `jobId` and its transitive needs; undefined when no fired workflow has that job. */
export function selectJob(plan: Plan, jobId: string): Plan | undefined {
  const tiers = plan.tiers.map((t) => ({ ...t, workflows: t.workflows.map((w) => narrow(w, jobId)) }));
  const found = tiers.some((t) => t.workflows.some((w) => w.jobs.length > 0));
  return found ? { ...plan, tiers } : undefined;
}
