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
//   to set an output wins, as on GitHub.
import { evaluateCondition, evaluateValue, interpolate, type JobStatusView } from "../expr/evaluate.js";
import { evaluateStructure } from "../expr/structured.js";
import type { ExprContexts, ExprValue } from "../expr/value.js";
import { githubContext } from "../plan/contexts.js";
import { expandMatrix, jobDisplayName, strategyContext, type StrategyContext } from "../plan/matrix.js";
import type { Plan, PlannedJob, PlannedTier, PlannedWorkflow } from "../plan/plan-types.js";
import { buildDag, transitiveNeeds } from "../workflow/dag.js";
import type { Job, YamlValue } from "../workflow/model.js";

export type JobResult = "success" | "failure" | "cancelled" | "skipped";
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
}

/**
 * Runs one job. When its signal is aborted it should stop and resolve; whatever it then reports
 * short of success is recorded as cancelled. A rejection is recorded as a failure of the job.
 */
export type JobExecutor = (attempt: JobAttempt) => Promise<JobExecution>;

export type CancelKind = "timeout" | "fail-fast" | "run-cancelled" | "caller-cancelled";

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
  /** false (--no-gate): every tier starts at once, as GitHub runs all workflows. */
  gate: boolean;
  /** A tier over its budget fails (otherwise it only warns). */
  enforceBudgets: boolean;
  /** Ctrl-C. */
  signal?: AbortSignal;
  onEvent?(e: SchedulerEvent): void;
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

/** GitHub's default for timeout-minutes. */
const DEFAULT_TIMEOUT_MINUTES = 360;

/** setTimeout fires at once for longer delays, so longer timeouts wait this long instead (24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

const RUN_CANCELLED = "The run was cancelled.";

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

/** A counting semaphore whose waiters are served in order and can give up when a signal aborts. */
class Slots {
  private used = 0;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(private readonly size: number) {}

  /** true once a slot is taken; false if `signal` aborts first. */
  take(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.used < this.size && this.waiting.length === 0) {
      this.used += 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const waiter = {
        grant: () => {
          signal.removeEventListener("abort", giveUp);
          resolve(true);
        },
      };
      const giveUp = (): void => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        resolve(false);
      };
      signal.addEventListener("abort", giveUp, { once: true });
      this.waiting.push(waiter);
    });
  }

  release(): void {
    this.used -= 1;
    while (this.used < this.size) {
      const next = this.waiting.shift();
      if (!next) break;
      this.used += 1;
      next.grant();
    }
  }
}

function compareOrder(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function abortMessage(signal: AbortSignal): string {
  return signal.reason instanceof Error ? signal.reason.message : RUN_CANCELLED;
}

function isMapping(v: unknown): v is { [key: string]: YamlValue } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function evaluateField(value: boolean | number | string, contexts: ExprContexts): ExprValue {
  return typeof value === "string" ? evaluateValue(value, contexts) : value;
}

function asBoolean(value: ExprValue, field: string): boolean {
  if (typeof value === "boolean") return value;
  if (value === null) return false;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  throw new Error(`${field} must be true or false, got ${JSON.stringify(value)}`);
}

function asPositiveNumber(value: ExprValue, field: string): number {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${field} must be a number above 0, got ${JSON.stringify(value)}`);
  return n;
}

/** The result the needs context, the tier and the run see for one job run. */
function reported(conclusion: JobResult, continuedOnError: boolean): JobResult {
  return conclusion === "failure" && continuedOnError ? "success" : conclusion;
}

/** failure over cancelled over success; skipped only when everything was skipped. */
function combine(results: JobResult[]): JobResult {
  if (results.includes("failure")) return "failure";
  if (results.includes("cancelled")) return "cancelled";
  if (results.length > 0 && results.every((r) => r === "skipped")) return "skipped";
  return "success";
}

class Scheduler {
  readonly pool: Slots;
  readonly runCancelled = new AbortController();
  readonly active = new Set<WorkflowRun>();
  private readonly records: { order: number[]; record: JobRecord }[] = [];

  constructor(
    readonly plan: Plan,
    readonly exec: JobExecutor,
    readonly opts: SchedulerOptions,
  ) {
    this.pool = new Slots(opts.maxJobs);
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

function refOf(tier: string, wf: PlannedWorkflow, job: PlannedJob, callers: string[]): JobRef {
  return { tier, workflow: wf.file, jobId: job.id, key: job.key, name: job.name, matrix: job.matrix, callers };
}

function notRun(ref: JobRef, conclusion: JobResult, reason: string): JobRecord {
  return { ...ref, conclusion, continuedOnError: false, startedAt: null, durationMs: 0, outputs: {}, reason };
}

/** One job id of a workflow: all its matrix instances, and their combined result once done. */
interface Group {
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

interface InstanceEnd {
  result: JobResult;
  outputs: Record<string, string>;
}

/** One workflow's jobs: a top-level workflow of a tier, or a called workflow inside its caller job. */
class WorkflowRun {
  private readonly groups = new Map<string, Group>();

  constructor(
    private readonly s: Scheduler,
    private readonly tier: string,
    private readonly wf: PlannedWorkflow,
    private readonly callers: { job: PlannedJob; ref: string }[],
    private readonly order: number[],
    /** A called workflow's jobs stop when this (the caller's signal) aborts. */
    private readonly scope?: AbortSignal,
  ) {
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
      this.groups.set(job.id, {
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
  }

  /** Runs every job; resolves with the results the tier and a caller see (continue-on-error applied). */
  async run(): Promise<JobResult[]> {
    this.s.active.add(this);
    const stopAll = (): void => {
      if (!this.scope) return;
      for (const g of this.groups.values()) for (const c of g.live) c.abort(new JobCancellation("caller-cancelled", abortMessage(this.scope)));
    };
    this.scope?.addEventListener("abort", stopAll, { once: true });
    try {
      await Promise.all([...this.groups.values()].map((g) => this.runGroup(g)));
    } finally {
      this.scope?.removeEventListener("abort", stopAll);
      this.s.active.delete(this);
    }
    return [...this.groups.values()].map((g) => g.result?.result ?? "skipped");
  }

  /** The `jobs` context of a called workflow, for its `on.workflow_call.outputs`. */
  jobsContext(): ExprValue {
    const out: { [id: string]: ExprValue } = {};
    for (const g of this.groups.values()) out[g.id] = { result: g.result?.result ?? "skipped", outputs: g.result?.outputs ?? {} };
    return out;
  }

  /** Ctrl-C: a job goes on only if its `if:` holds with cancelled() true. */
  reconsiderAfterCancel(): void {
    for (const g of this.groups.values()) {
      if (!g.running || this.condition(g)) continue;
      for (const c of g.live) c.abort(this.s.runCancelled.signal.reason);
    }
  }

  private callerRefs(): string[] {
    return this.callers.map((c) => c.ref);
  }

  private status(g: Group): JobStatusView {
    const results = g.ancestors.map((a) => this.groups.get(a)?.result?.result);
    const cancelled = this.s.runCancelled.signal.aborted;
    return {
      success: !cancelled && results.every((r) => r === "success"),
      failure: results.includes("failure"),
      cancelled,
    };
  }

  private needsContext(g: Group): Record<string, NeedResult> {
    const out: Record<string, NeedResult> = {};
    for (const n of g.needs) {
      const result = this.groups.get(n)?.result;
      out[n] = result ?? { result: "skipped", outputs: {} };
    }
    return out;
  }

  private contexts(g: Group): ExprContexts {
    return {
      github: this.s.github(this.wf, g.id),
      needs: this.needsContext(g) as unknown as ExprValue,
      vars: this.s.vars,
      inputs: this.wf.inputs as ExprValue,
    };
  }

  /** The job's `if:`; an expression that cannot be evaluated counts as false here. */
  private condition(g: Group): boolean {
    try {
      return evaluateCondition(g.job.if, this.contexts(g), { status: this.status(g) });
    } catch {
      return false;
    }
  }

  private recordOrder(g: Group, matrixIndex: number): number[] {
    return [...this.order, g.index, matrixIndex];
  }

  private concludeUnrun(g: Group, conclusion: JobResult, reason: string): void {
    for (const pj of g.planned) this.s.record(this.recordOrder(g, pj.matrixIndex), notRun(refOf(this.tier, this.wf, pj, this.callerRefs()), conclusion, reason));
    g.result = { result: conclusion, outputs: {} };
    g.finish();
  }

  private skipReason(g: Group): string {
    if (g.job.if === undefined || g.job.if.trim() === "") {
      const failed = g.ancestors.filter((a) => this.groups.get(a)?.result?.result !== "success");
      return `a job it depends on did not succeed: ${failed.join(", ")}`;
    }
    return `its condition is false: ${g.job.if.trim()}`;
  }

  private async runGroup(g: Group): Promise<void> {
    await Promise.all(g.needs.map((n) => this.groups.get(n)?.done));
    if (g.error !== undefined) return this.concludeUnrun(g, "failure", g.error);
    if (this.scope?.aborted) return this.concludeUnrun(g, "cancelled", abortMessage(this.scope));
    const contexts = this.contexts(g);
    let run: boolean;
    try {
      run = evaluateCondition(g.job.if, contexts, { status: this.status(g) });
    } catch (err) {
      return this.concludeUnrun(g, "failure", `error evaluating \`if:\` of job '${g.id}': ${message(err)}`);
    }
    if (!run) {
      const cancelled = this.s.runCancelled.signal.aborted;
      return this.concludeUnrun(g, cancelled ? "cancelled" : "skipped", cancelled ? RUN_CANCELLED : this.skipReason(g));
    }

    let instances: PlannedJob[];
    let maxParallel: number | undefined;
    try {
      instances = g.planned[0]?.deferred !== undefined ? this.expand(g, contexts) : g.planned;
      const spec = g.job.strategy;
      g.failFast = spec ? asBoolean(evaluateField(spec.failFast, contexts), "strategy.fail-fast") : true;
      if (spec?.maxParallel !== undefined) maxParallel = asPositiveNumber(evaluateField(spec.maxParallel, contexts), "strategy.max-parallel");
    } catch (err) {
      return this.concludeUnrun(g, "failure", `job '${g.id}': ${message(err)}`);
    }

    const slots = maxParallel !== undefined && maxParallel < instances.length ? new Slots(Math.floor(maxParallel)) : undefined;
    const controllers = instances.map(() => new AbortController());
    for (const c of controllers) g.live.add(c);
    g.running = true;
    const ends: InstanceEnd[] = [];
    await Promise.all(
      instances.map(async (pj, i) => {
        const controller = controllers[i] ?? new AbortController();
        const strategy = strategyContext(pj.matrixIndex, pj.matrixTotal, g.failFast, maxParallel);
        ends.push(await this.runInstance(g, pj, controller, { ...contexts, matrix: (pj.matrix ?? {}) as ExprValue, strategy: { ...strategy } }, strategy, slots));
      }),
    );
    g.running = false;
    const outputs: Record<string, string> = {};
    for (const end of ends) Object.assign(outputs, end.outputs);
    g.result = { result: combine(ends.map((e) => e.result)), outputs };
    g.finish();
  }

  /** A matrix that reads needs outputs, expanded now that they are known. */
  private expand(g: Group, contexts: ExprContexts): PlannedJob[] {
    const source = g.job.strategy?.matrix ?? {};
    const value = typeof source === "string" ? evaluateValue(source, contexts) : (evaluateStructure(source as ExprValue, contexts) as YamlValue);
    if (!isMapping(value)) throw new Error(`the matrix must be a mapping, got ${JSON.stringify(value)}`);
    const { combinations, errors } = expandMatrix(value);
    if (errors.length > 0) throw new Error(errors.join("; "));
    const template = g.planned[0];
    if (!template) throw new Error("the job has no planned instance");
    return combinations.map((matrix, i) => {
      const pj: PlannedJob = {
        ...template,
        key: jobDisplayName(g.id, undefined, matrix),
        name: jobDisplayName(g.id, g.job.name, matrix),
        matrix,
        matrixIndex: i,
        matrixTotal: combinations.length,
      };
      delete pj.deferred;
      return pj;
    });
  }

  private async runInstance(
    g: Group,
    planned: PlannedJob,
    controller: AbortController,
    contexts: ExprContexts,
    strategy: StrategyContext,
    slots: Slots | undefined,
  ): Promise<InstanceEnd> {
    let job = planned;
    if (job.name.includes("${{")) {
      try {
        job = { ...job, name: interpolate(job.name, contexts) };
      } catch {
        // GitHub, too, shows the name as written when it cannot be evaluated.
      }
    }
    const callers = this.callerRefs();
    const ref = refOf(this.tier, this.wf, job, callers);
    const order = this.recordOrder(g, job.matrixIndex);
    const end = (conclusion: JobResult, extra: Partial<JobRecord> = {}): InstanceEnd => {
      g.live.delete(controller);
      const record: JobRecord = { ...notRun(ref, conclusion, ""), ...extra };
      if (record.reason === "") delete record.reason;
      this.s.record(order, record);
      return { result: reported(conclusion, record.continuedOnError), outputs: record.outputs };
    };

    // Call jobs take neither continue-on-error nor timeout-minutes on GitHub.
    let continueOnError = false;
    let timeoutMinutes = DEFAULT_TIMEOUT_MINUTES;
    if (!job.calls) {
      try {
        continueOnError = asBoolean(evaluateField(g.job.continueOnError, contexts), "continue-on-error");
        if (g.job.timeoutMinutes !== undefined) timeoutMinutes = asPositiveNumber(evaluateField(g.job.timeoutMinutes, contexts), "timeout-minutes");
      } catch (err) {
        return end("failure", { reason: `job '${g.id}': ${message(err)}` });
      }
    }

    this.s.emit({ type: "job-queued", job: ref });
    if (slots && !(await slots.take(controller.signal))) return end("cancelled", { reason: abortMessage(controller.signal) });
    const usesPool = !job.calls;
    if (usesPool && !(await this.s.pool.take(controller.signal))) {
      slots?.release();
      return end("cancelled", { reason: abortMessage(controller.signal) });
    }
    // A slot handed over by a sibling that failed arrives after fail-fast has already aborted this one.
    if (controller.signal.aborted) {
      if (usesPool) this.s.pool.release();
      slots?.release();
      return end("cancelled", { reason: abortMessage(controller.signal) });
    }

    const startedAt = this.s.now();
    this.s.emit({ type: "job-start", job: ref, startedAt });
    let execution: JobExecution;
    let reason: string | undefined;
    if (job.calls) {
      ({ execution, reason } = await this.runCall(job, job.calls, ref, controller.signal));
    } else {
      const timer = setTimeout(
        () =>
          controller.abort(
            new JobCancellation("timeout", `The job '${job.name}' has exceeded the maximum execution time of ${timeoutMinutes} minutes.`),
          ),
        Math.min(timeoutMinutes * 60_000, MAX_TIMER_MS),
      );
      try {
        execution = await this.s.exec({
          tier: this.tier,
          workflow: this.wf,
          job,
          ref,
          needs: this.needsContext(g),
          strategy,
          signal: controller.signal,
          runCancelled: this.s.runCancelled.signal,
          callers: this.callers.map((c) => c.job),
        });
      } catch (err) {
        execution = { conclusion: "failure", outputs: {} };
        reason = message(err);
      } finally {
        clearTimeout(timer);
        this.s.pool.release();
      }
    }
    slots?.release();

    let conclusion: JobResult = execution.conclusion;
    if (controller.signal.aborted && conclusion !== "success") {
      conclusion = "cancelled";
      reason = abortMessage(controller.signal);
    }
    const result = end(conclusion, {
      continuedOnError: conclusion === "failure" && continueOnError,
      startedAt,
      durationMs: this.s.now() - startedAt,
      outputs: execution.outputs,
      ...(reason !== undefined ? { reason } : {}),
    });
    if (result.result === "failure" && g.failFast) {
      const cause = new JobCancellation("fail-fast", `The strategy configuration was cancelled because "${job.key}" failed`);
      for (const c of g.live) c.abort(cause);
    }
    return result;
  }

  /** A job that calls a reusable workflow: its jobs run here, and its result and outputs come from theirs. */
  private async runCall(
    job: PlannedJob,
    called: PlannedWorkflow,
    ref: JobRef,
    signal: AbortSignal,
  ): Promise<{ execution: JobExecution; reason?: string }> {
    const nested = new WorkflowRun(
      this.s,
      this.tier,
      called,
      [...this.callers, { job, ref: `${ref.workflow}#${ref.key}` }],
      [...this.order, this.groups.get(job.id)?.index ?? 0, job.matrixIndex, 1],
      signal,
    );
    const result = combine(await nested.run());
    const conclusion: ExecConclusion = result === "skipped" ? "success" : result;
    const outputs: Record<string, string> = {};
    const defs = called.workflow.triggers.find((t) => t.event === "workflow_call")?.outputs ?? [];
    const contexts: ExprContexts = {
      github: this.s.github(called, job.id),
      jobs: nested.jobsContext(),
      vars: this.s.vars,
      inputs: called.inputs as ExprValue,
    };
    try {
      for (const def of defs) outputs[def.name] = interpolate(def.value, contexts);
    } catch (err) {
      return { execution: { conclusion: "failure", outputs }, reason: `outputs of ${called.file}: ${message(err)}` };
    }
    return { execution: { conclusion, outputs } };
  }
}
