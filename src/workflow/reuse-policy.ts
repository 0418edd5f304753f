// tiers.yml's `reuse:` (read in tiers.ts): which jobs may take the result of an earlier success whose inputs were
// byte-identical instead of running. Off unless asked for, per workflow file or per job:
//   reuse: exact                      every job
//   reuse: {unit-tests.yml: exact, lint.yml: {lint: exact, mypy: off}}

export type ReuseMode = "exact" | "off";

export interface ReusePolicy {
  /** `reuse: exact` for everything, or the default where a workflow is not named. */
  all: ReuseMode;
  /** By workflow file name: one mode for all its jobs, or one per job id (others off). */
  workflows: Record<string, ReuseMode | Record<string, ReuseMode>>;
}

export const NO_REUSE: ReusePolicy = { all: "off", workflows: {} };

/** Whether a job (by its workflow's file name and its id) opted in. */
export function reuseWanted(policy: ReusePolicy, workflowFile: string, jobId: string): boolean {
  const entry = policy.workflows[workflowFile];
  if (entry === undefined) return policy.all === "exact";
  if (typeof entry === "string") return entry === "exact";
  return entry[jobId] === "exact";
}
