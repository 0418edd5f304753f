// Runs a Plan's jobs with GitHub's semantics against an abstract job executor: tiers in order,
// each workflow's needs-DAG on a bounded pool, job `if:` with status functions, matrices (deferred
// ones too), fail-fast, max-parallel, continue-on-error, timeouts, cancellation and tier budgets.
//
// Where GitHub's behaviour is not obvious, this follows what GitHub does, not what looks tidier:
// - success() and failure() in a job's `if:` look at every job it needs, directly or through
//   others (GitHub documents it for failure(); for success() it is the reason a job after an
//   `always()` job is skipped when something further up failed or was skipped).
// - `if:` is evaluated once per job, before its matrix is expanded, so it has no matrix or
//   strategy context (github, needs, vars, inputs, as on GitHub).
// - A failed job with continue-on-error shows as failed, but its dependents, the tier and the run
//   see `success` (on GitHub `needs.<id>.result` is then 'success'), and it does not trigger
//   fail-fast (GitHub's own example: an experimental matrix entry that may fail).
// - A job that exceeds timeout-minutes is cancelled, not failed, as on GitHub; so a dependent's
//   failure() is false for it.
// - On cancellation (Ctrl-C) every job that has not finished has its `if:` evaluated again with
//   cancelled() true and success() false: running jobs whose condition still holds (always(),
//   cancelled()) go on, the others are aborted; jobs that have not started run only if their
//   condition holds, and are otherwise concluded cancelled.
// - A matrix job's result for `needs` is failure if any instance failed, else cancelled if any was
//   cancelled, else success; its outputs are merged in the order instances finish, so the last one
import { githubContext } from "../plan/contexts.js";
import type { Plan, PlannedTier, PlannedWorkflow } from "../plan/plan-types.js";
import type { ExprValue } from "../expr/value.js";
import { combine, compareOrder, notRun, refOf, RUN_CANCELLED } from "./results.js";
import type { ConcurrencyGate } from "./concurrency.js";
import { Slots } from "./slots.js";
import {
  JobCancellation,
  jobKey,
  type JobExecutor,
  type JobRecord,
  type JobRef,
  type RunOutcome,
  type SchedulerEvent,
  type SchedulerOptions,
  type TierOutcome,
} from "./types.js";
import { WorkflowRun, type SchedulerScope } from "./workflow-run.js";

export * from "./types.js";
export { Slots } from "./slots.js";

/**
 * Runs every fired workflow of the plan and resolves when all its jobs have concluded (it never
 * rejects for a job's sake). Throws a RangeError for a maxJobs below 1.
 */
export function runPlan(plan: Plan, exec: JobExecutor, opts: SchedulerOptions): Promise<RunOutcome> {
  if (!Number.isInteger(opts.maxJobs) || opts.maxJobs < 1) {
    throw new RangeError(`maxJobs must be a whole number of at least 1, got ${opts.maxJobs}`);
  }
  return new Scheduler(plan, exec, opts).run();
}

class Scheduler implements SchedulerScope {
  readonly pool: Slots;
  readonly concurrency: ConcurrencyGate | undefined;
  readonly runCancelled = new AbortController();
  readonly active = new Set<WorkflowRun>();
  private readonly records: { order: number[]; record: JobRecord }[] = [];

  constructor(
    readonly plan: Plan,
    readonly exec: JobExecutor,
    readonly opts: SchedulerOptions,
  ) {
    this.pool = opts.pool ?? new Slots(opts.maxJobs);
    this.concurrency = opts.concurrency;
  }

  now(): number {
    return (this.opts.now ?? Date.now)();
  }

  emit(e: SchedulerEvent): void {
    this.opts.onEvent?.(e);
  }

  record(order: number[], record: JobRecord): void {
    this.records.push({ order, record });
    this.emit({ type: "job-end", job: record });
  }

  kept(ref: JobRef): Record<string, string> | undefined {
    return this.opts.kept?.get(jobKey(ref.workflow, ref.key, ref.callers));
  }

  github(workflow: PlannedWorkflow, jobId: string): ExprValue {
    const ctx = this.opts.context ?? {};
    return githubContext({
      eventName: this.plan.event,
      payload: this.plan.payload,
      ref: this.plan.ref,
      sha: this.plan.sha,
      actor: ctx.actor ?? "",
      workflow: workflow.name,
      repository: ctx.repository ?? "",
      job: jobId,
      runId: ctx.runId,
      runNumber: ctx.runNumber,
    });
  }

  get vars(): Record<string, string> {
    return this.opts.context?.vars ?? {};
  }

  async run(): Promise<RunOutcome> {
    const onCancel = (): void => {
      this.runCancelled.abort(new JobCancellation("run-cancelled", RUN_CANCELLED));
      for (const run of this.active) run.reconsiderAfterCancel();
    };
    if (this.opts.signal?.aborted) onCancel();
    else this.opts.signal?.addEventListener("abort", onCancel, { once: true });
    try {
      const tiers = this.opts.gate ? await this.runGated() : await Promise.all(this.plan.tiers.map((t, i) => this.runTier(t, i)));
      const overall = combine(tiers.map((t) => t.status));
      return {
        conclusion: this.runCancelled.signal.aborted ? "cancelled" : overall === "skipped" ? "success" : overall,
        tiers,
        jobs: this.records.sort((a, b) => compareOrder(a.order, b.order)).map((r) => r.record),
      };
    } finally {
      this.opts.signal?.removeEventListener("abort", onCancel);
    }
  }

  private async runGated(): Promise<TierOutcome[]> {
    const out: TierOutcome[] = [];
    let blocked: string | undefined;
    for (const [index, tier] of this.plan.tiers.entries()) {
      if (blocked === undefined && this.runCancelled.signal.aborted) blocked = RUN_CANCELLED;
      if (blocked !== undefined) {
        out.push(this.skipTier(tier, index, blocked));
        continue;
      }
      const outcome = await this.runTier(tier, index);
      out.push(outcome);
      if (outcome.status === "failure") blocked = `tier "${tier.name}" failed`;
      else if (outcome.status === "cancelled") blocked = `tier "${tier.name}" was cancelled`;
    }
    return out;
  }

  private async runTier(tier: PlannedTier, index: number): Promise<TierOutcome> {
    const startedAt = this.now();
    this.emit({ type: "tier-start", tier: tier.name, startedAt });
    const runs = tier.workflows
      .map((wf, w) => ({ wf, w }))
      .filter(({ wf }) => wf.fired)
      .map(({ wf, w }) => new WorkflowRun(this, tier.name, wf, [], [index, w]));
    const results = await Promise.all(runs.map((r) => r.run()));
    const durationMs = this.now() - startedAt;
    let status = combine(results.flat());
    if (status === "skipped") status = "success";
    let reason: string | undefined;
    const budgetMs = tier.budgetMs ?? null;
    if (budgetMs !== null && durationMs > budgetMs) {
      this.emit({ type: "budget-warning", tier: tier.name, durationMs, budgetMs, enforced: this.opts.enforceBudgets });
      if (this.opts.enforceBudgets && status === "success") {
        status = "failure";
        reason = `took ${durationMs} ms, over its budget of ${budgetMs} ms`;
      }
    }
    const outcome: TierOutcome = { name: tier.name, status, startedAt, durationMs, budgetMs, ...(reason ? { reason } : {}) };
    this.emit({ type: "tier-end", tier: outcome });
    return outcome;
  }

  private skipTier(tier: PlannedTier, index: number, reason: string): TierOutcome {
    for (const [w, wf] of tier.workflows.entries()) {
      if (!wf.fired) continue;
      for (const job of wf.jobs) {
        const position = wf.workflow.jobs.findIndex((j) => j.id === job.id);
        this.record([index, w, position, job.matrixIndex], notRun(refOf(tier.name, wf, job, []), "skipped", reason));
      }
    }
    const outcome: TierOutcome = { name: tier.name, status: "skipped", startedAt: null, durationMs: 0, budgetMs: tier.budgetMs ?? null, reason };
    this.emit({ type: "tier-end", tier: outcome });
    return outcome;
  }
}
