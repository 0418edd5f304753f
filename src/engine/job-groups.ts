// The jobs of one workflow as the scheduler tracks them: one group per job id, holding its
// matrix instances, its place in the needs-DAG and, once done, its combined result.
import type { PlannedJob, PlannedWorkflow } from "../plan/plan-types.js";
import { buildDag, transitiveNeeds } from "../workflow/dag.js";
import type { Job } from "../workflow/model.js";
import type { JobResult, NeedResult } from "./types.js";

/** One job id of a workflow: all its matrix instances, and their combined result once done. */
export interface Group {
  id: string;
  job: Job;
  /** As planned: the instances, or one template when the matrix is deferred. */
  planned: PlannedJob[];
  /** Position in the file, for ordering records. */
  index: number;
  needs: string[];
  ancestors: string[];
  /** Set when the needs graph cannot place the job. */
  error?: string;
  done: Promise<void>;
  finish: () => void;
  result?: NeedResult;
  /** Controllers of the instances that have not concluded, while the job runs. */
  live: Set<AbortController>;
  running: boolean;
  failFast: boolean;
}

export interface InstanceEnd {
  result: JobResult;
  outputs: Record<string, string>;
}

/** A group for every planned job of the workflow, in file order. */
export function buildGroups(wf: PlannedWorkflow): Map<string, Group> {
  const groups = new Map<string, Group>();
  const dagJobs = wf.workflow.jobs.map((j) => ({ id: j.id, needs: j.needs }));
  const dag = buildDag(dagJobs);
  const byLower = new Map(wf.workflow.jobs.map((j) => [j.id.toLowerCase(), j.id]));
  const planned = new Map<string, PlannedJob[]>();
  for (const pj of wf.jobs) {
    const list = planned.get(pj.id);
    if (list) list.push(pj);
    else planned.set(pj.id, [pj]);
  }
  for (const [index, job] of wf.workflow.jobs.entries()) {
    const instances = planned.get(job.id);
    if (!instances) continue;
    let finish = (): void => {};
    const done = new Promise<void>((resolve) => (finish = resolve));
    const needs = [...new Set(job.needs.map((n) => byLower.get(n.toLowerCase())).filter((n): n is string => n !== undefined && n !== job.id))];
    const placed = dag.order.includes(job.id);
    groups.set(job.id, {
      id: job.id,
      job,
      planned: instances,
      index,
      needs: placed ? needs : [],
      ancestors: placed ? transitiveNeeds(dagJobs, job.id) : [],
      ...(placed ? {} : { error: `job '${job.id}' is on or behind a cycle of needs, so it can never start` }),
      done,
      finish,
      live: new Set(),
      running: false,
      failFast: true,
    });
  }
  return groups;
}
