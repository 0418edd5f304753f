// Small shared rules of the scheduler: how job results combine, how records are made and ordered.
import type { PlannedJob, PlannedWorkflow } from "../plan/plan-types.js";
import type { JobRecord, JobRef, JobResult } from "./types.js";

export const RUN_CANCELLED = "The run was cancelled.";

export function compareOrder(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function abortMessage(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : RUN_CANCELLED;
}

/** The result the needs context, the tier and the run see for one job run. */
export function reported(conclusion: JobResult, continuedOnError: boolean): JobResult {
  return conclusion === "failure" && continuedOnError ? "success" : conclusion;
}

/** failure over cancelled over success; skipped only when everything was skipped. */
export function combine(results: JobResult[]): JobResult {
  if (results.includes("failure")) return "failure";
  if (results.includes("cancelled")) return "cancelled";
  if (results.length > 0 && results.every((r) => r === "skipped")) return "skipped";
  return "success";
}

export function refOf(tier: string, wf: PlannedWorkflow, job: PlannedJob, callers: string[]): JobRef {
  return { tier, workflow: wf.file, jobId: job.id, key: job.key, name: job.name, matrix: job.matrix, callers };
}

export function notRun(ref: JobRef, conclusion: JobResult, reason: string): JobRecord {
  return { ...ref, conclusion, continuedOnError: false, startedAt: null, durationMs: 0, outputs: {}, reason };
}
