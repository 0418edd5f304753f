// The scheduler's interface: how a job run is identified, what an executor is given and
// returns, the events it reports and the outcome of a run.
import type { Conclusion } from "../formats/conclusion.js";
import type { StrategyContext } from "../plan/matrix.js";
import type { ConcurrencyGate } from "./concurrency.js";
import type { Slots } from "./slots.js";
import type { PlannedJob, PlannedWorkflow } from "../plan/plan-types.js";
import type { YamlValue } from "../workflow/model.js";

/** A job's result as the `needs` context and the run see it. */
export type JobResult = Conclusion;
export type ExecConclusion = "success" | "failure" | "cancelled";

/** One entry of the `needs` context. */
export interface NeedResult {
  result: JobResult;
  outputs: Record<string, string>;
}

/** Identifies one job run (a matrix instance, or the job itself) in events and records. */
export interface JobRef {
  tier: string;
  /** Path of the workflow file that defines the job. */
  workflow: string;
  jobId: string;
  /** Unique inside its workflow (PlannedJob.key). */
  key: string;
  name: string;
  matrix: Record<string, YamlValue> | null;
  /** For a job of a called workflow: the calling jobs, outermost first, as `workflow-path#key`. */
  callers: string[];
}

/** A job's identity across runs of the same plan: its workflow, key and callers. */
export function jobKey(workflow: string, key: string, callers: readonly string[]): string {
  return [...callers, `${workflow}#${key}`].join(" > ");
}

export interface JobAttempt {
  tier: string;
  workflow: PlannedWorkflow;
  /** With a deferred matrix expanded and a `${{ }}` name evaluated. */
  job: PlannedJob;
  ref: JobRef;
  /** The direct needs only, as GitHub's `needs` context holds them. */
  needs: Record<string, NeedResult>;
  strategy: StrategyContext;
  /** Aborted when this job must stop: timeout, fail-fast, or cancellation of the run; the reason is a JobCancellation. */
  signal: AbortSignal;
  /**
   * Aborted when the run is cancelled, even if this job goes on because its `if:` still holds;
   * the runner then evaluates the conditions of its remaining steps with cancelled() true.
   */
  runCancelled: AbortSignal;
  /** The jobs that called this job's workflow, outermost first (for `secrets: inherit` and the like). */
  callers: PlannedJob[];
}

export interface JobExecution {
  conclusion: ExecConclusion;
  outputs: Record<string, string>;
  /** Said beside the conclusion when the job ended without running (a reused result). */
  reason?: string;
}

/**
 * Runs one job. When its signal is aborted it should stop and resolve; whatever it then reports
 * short of success is recorded as cancelled. A rejection is recorded as a failure of the job.
 */
export type JobExecutor = (attempt: JobAttempt) => Promise<JobExecution>;

export type CancelKind = "timeout" | "fail-fast" | "run-cancelled" | "caller-cancelled" | "concurrency";

/** The reason a job's signal carries when the scheduler aborts it. */
export class JobCancellation extends Error {
  constructor(
    readonly kind: CancelKind,
    message: string,
  ) {
    super(message);
    this.name = "JobCancellation";
  }
}

/** What expressions need that the Plan does not carry. */
export interface RunContext {
  actor: string;
  repository: string;
  vars: Record<string, string>;
  runId: string;
  runNumber: number;
}

export interface SchedulerOptions {
  /** Jobs running at once, across all tiers. */
  maxJobs: number;
  /** A job pool shared with other runs (a server's executor pool); then maxJobs is not used. */
  pool?: Slots;
  /**
   * Jobs a re-run keeps from the run it repeats, by jobKey, with their outputs: they end as
   * successes without running, and the jobs that need them see those outputs.
   */
  kept?: ReadonlyMap<string, Record<string, string>>;
  /** false (--no-gate): every tier starts at once, as GitHub runs all workflows. */
  gate: boolean;
  /** A tier over its budget fails (otherwise it only warns). */
  enforceBudgets: boolean;
  /** Ctrl-C. */
  signal?: AbortSignal;
  onEvent?(e: SchedulerEvent): void;
  /** Concurrency groups of workflows and jobs; without one, `concurrency:` is not applied. */
  concurrency?: ConcurrencyGate;
  /** Milliseconds since the epoch; for tests. */
  now?: () => number;
  context?: Partial<RunContext>;
}

export interface JobRecord extends JobRef {
  conclusion: JobResult;
  /** The job failed, but continue-on-error let the run go on; needs, tier and run see success. */
  continuedOnError: boolean;
  startedAt: number | null;
  durationMs: number;
  outputs: Record<string, string>;
  /** Why the scheduler skipped, cancelled or failed it, when it did. */
  reason?: string;
}

export interface TierOutcome {
  name: string;
  status: JobResult;
  startedAt: number | null;
  durationMs: number;
  budgetMs: number | null;
  reason?: string;
}

export interface RunOutcome {
  conclusion: ExecConclusion;
  tiers: TierOutcome[];
  /** In plan order: tier, workflow, job in file order, matrix order; called jobs after their caller. */
  jobs: JobRecord[];
}

export type SchedulerEvent =
  | { type: "tier-start"; tier: string; startedAt: number }
  | { type: "tier-end"; tier: TierOutcome }
  | { type: "budget-warning"; tier: string; durationMs: number; budgetMs: number; enforced: boolean }
  /** Ready to run, waiting for a free slot. */
  | { type: "job-queued"; job: JobRef }
  | { type: "job-start"; job: JobRef; startedAt: number }
  /** Every job run ends with exactly one of these, also when it was skipped or never started. */
  | { type: "job-end"; job: JobRecord };
