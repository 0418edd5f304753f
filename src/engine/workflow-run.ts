// One workflow's jobs: the needs-DAG, each job's `if:`, its matrix instances on the pool
// (fail-fast, max-parallel, continue-on-error, timeouts), and the jobs of called workflows.
import { asBoolean, asMaxParallel, asTimeoutMinutes, DEFAULT_TIMEOUT_MINUTES, evaluateField } from "../expr/coerce.js";
import { evaluateCondition, interpolate, type JobStatusView } from "../expr/evaluate.js";
import type { ExprContexts, ExprValue } from "../expr/value.js";
import { strategyContext, type StrategyContext } from "../plan/matrix.js";
import type { PlannedJob, PlannedWorkflow } from "../plan/plan-types.js";
import { setLongTimeout } from "../util/long-timeout.js";
import { expandDeferredMatrix } from "./deferred-matrix.js";
import { buildGroups, type Group, type InstanceEnd } from "./job-groups.js";
import { abortMessage, combine, message, notRun, refOf, reported, RUN_CANCELLED } from "./results.js";
import type { ConcurrencyGate } from "./concurrency.js";
import { enterGroup } from "./concurrency-entry.js";
import { Slots } from "./slots.js";
import {
  JobCancellation,
  type ExecConclusion,
  type JobExecution,
  type JobExecutor,
  type JobRecord,
  type JobRef,
  type JobResult,
  type NeedResult,
  type SchedulerEvent,
} from "./types.js";

/** What a workflow's jobs share with the rest of the run. */
export interface SchedulerScope {
  readonly pool: Slots;
  readonly concurrency: ConcurrencyGate | undefined;
  readonly runCancelled: AbortController;
  readonly active: Set<WorkflowRun>;
  readonly exec: JobExecutor;
  readonly vars: Record<string, string>;
  now(): number;
  emit(e: SchedulerEvent): void;
  record(order: number[], record: JobRecord): void;
  github(workflow: PlannedWorkflow, jobId: string): ExprValue;
  /** The outputs of a job the run keeps from an earlier one, when it keeps this one. */
  kept(ref: JobRef): Record<string, string> | undefined;
}

/** A job instance that may run once it has its slots. */
interface Admission {
  g: Group;
  job: PlannedJob;
  ref: JobRef;
  controller: AbortController;
  strategy: StrategyContext;
  /** The job's max-parallel slots, when it has a limit. */
  slots: Slots | undefined;
  end: (conclusion: JobResult, extra?: Partial<JobRecord>) => InstanceEnd;
  continueOnError: boolean;
  timeoutMinutes: number;
}

/** One workflow's jobs: a top-level workflow of a tier, or a called workflow inside its caller job. */
export class WorkflowRun {
  private readonly groups: Map<string, Group>;
  /** This workflow cancelled on its own: a newer run of its concurrency group displaced it. */
  private readonly cancelled = new AbortController();

  constructor(
    private readonly s: SchedulerScope,
    private readonly tier: string,
    private readonly wf: PlannedWorkflow,
    private readonly callers: { job: PlannedJob; ref: string }[],
    private readonly order: number[],
    /** A called workflow's jobs stop when this (the caller's signal) aborts. */
    private readonly scope?: AbortSignal,
  ) {
    this.groups = buildGroups(wf);
  }

  /** Runs every job; resolves with the results the tier and a caller see (continue-on-error applied). */
  async run(): Promise<JobResult[]> {
    const contexts = { github: this.s.github(this.wf, ""), vars: this.s.vars, inputs: this.wf.inputs as ExprValue };
    const entry = await enterGroup(this.s.concurrency, this.wf.workflow.concurrency, contexts, this.s.runCancelled.signal, (reason) => this.cancelOwn(reason));
    if (entry.kind !== "granted") {
      for (const g of this.groups.values()) this.concludeUnrun(g, entry.kind === "failed" ? "failure" : "cancelled", entry.reason);
      return [...this.groups.values()].map((g) => g.result?.result ?? "skipped");
    }
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
      entry.release();
    }
    return [...this.groups.values()].map((g) => g.result?.result ?? "skipped");
  }

  private get isCancelled(): boolean {
    return this.s.runCancelled.signal.aborted || this.cancelled.signal.aborted;
  }

  private get cancelReason(): string {
    return this.cancelled.signal.aborted ? abortMessage(this.cancelled.signal) : RUN_CANCELLED;
  }

  /** A newer run of this workflow's concurrency group cancels this one, as a Ctrl-C would, but only this workflow. */
  private cancelOwn(reason: string): void {
    const cause = new JobCancellation("concurrency", reason);
    this.cancelled.abort(cause);
    this.reconsider(cause);
  }

  /** The `jobs` context of a called workflow, for its `on.workflow_call.outputs`. */
  jobsContext(): ExprValue {
    const out: { [id: string]: ExprValue } = {};
    for (const g of this.groups.values()) out[g.id] = { result: g.result?.result ?? "skipped", outputs: g.result?.outputs ?? {} };
    return out;
  }

  /** Ctrl-C: a job goes on only if its `if:` holds with cancelled() true. */
  reconsiderAfterCancel(): void {
    this.reconsider(this.s.runCancelled.signal.reason);
  }

  private reconsider(reason: unknown): void {
    for (const g of this.groups.values()) {
      if (!g.running || this.condition(g)) continue;
      for (const c of g.live) c.abort(reason);
    }
  }

  private callerRefs(): string[] {
    return this.callers.map((c) => c.ref);
  }

  private status(g: Group): JobStatusView {
    const results = g.ancestors.map((a) => this.groups.get(a)?.result?.result);
    const cancelled = this.isCancelled;
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
    for (const pj of g.planned)
      this.s.record(this.recordOrder(g, pj.matrixIndex), notRun(refOf(this.tier, this.wf, pj, this.callerRefs()), conclusion, reason));
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
      const cancelled = this.isCancelled;
      return this.concludeUnrun(g, cancelled ? "cancelled" : "skipped", cancelled ? this.cancelReason : this.skipReason(g));
    }

    let instances: PlannedJob[];
    let maxParallel: number | undefined;
    try {
      instances = g.planned[0]?.deferred !== undefined ? expandDeferredMatrix(g.job, g.planned[0], contexts) : g.planned;
      const spec = g.job.strategy;
      g.failFast = spec ? asBoolean(evaluateField(spec.failFast, contexts), "strategy.fail-fast", true) : true;
      if (spec?.maxParallel !== undefined) maxParallel = asMaxParallel(evaluateField(spec.maxParallel, contexts), "strategy.max-parallel") ?? undefined;
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
        ends.push(
          await this.runInstance(g, pj, controller, { ...contexts, matrix: (pj.matrix ?? {}) as ExprValue, strategy: { ...strategy } }, strategy, slots),
        );
      }),
    );
    g.running = false;
    const outputs: Record<string, string> = {};
    for (const end of ends) Object.assign(outputs, end.outputs);
    g.result = { result: combine(ends.map((e) => e.result)), outputs };
    g.finish();
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

    const kept = job.calls ? undefined : this.s.kept(ref);
    if (kept) return end("success", { outputs: kept, reason: "kept from the run this one re-runs" });

    // Call jobs take neither continue-on-error nor timeout-minutes on GitHub.
    let continueOnError = false;
    let timeoutMinutes = DEFAULT_TIMEOUT_MINUTES;
    if (!job.calls) {
      try {
        continueOnError = asBoolean(evaluateField(g.job.continueOnError, contexts), "continue-on-error", false);
        if (g.job.timeoutMinutes !== undefined)
          timeoutMinutes = asTimeoutMinutes(evaluateField(g.job.timeoutMinutes, contexts), "timeout-minutes") ?? DEFAULT_TIMEOUT_MINUTES;
      } catch (err) {
        return end("failure", { reason: `job '${g.id}': ${message(err)}` });
      }
    }

    this.s.emit({ type: "job-queued", job: ref });
    const preempt = (reason: string): void => controller.abort(new JobCancellation("concurrency", reason));
    const entry = await enterGroup(this.s.concurrency, g.job.concurrency, contexts, controller.signal, preempt);
    if (entry.kind !== "granted") return end(entry.kind === "failed" ? "failure" : "cancelled", { reason: entry.reason });
    try {
      return await this.admitAndRun({ g, job, ref, controller, strategy, slots, end, continueOnError, timeoutMinutes });
    } finally {
      entry.release();
    }
  }

  /** Takes the job's slots (max-parallel, the pool), runs it, and ends its record. */
  private async admitAndRun(run: Admission): Promise<InstanceEnd> {
    const { g, job, ref, controller, strategy, slots, end, continueOnError, timeoutMinutes } = run;
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
      const cancelTimer = setLongTimeout(
        () => controller.abort(new JobCancellation("timeout", `The job '${job.name}' has exceeded the maximum execution time of ${timeoutMinutes} minutes.`)),
        timeoutMinutes * 60_000,
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
          runCancelled: AbortSignal.any([this.s.runCancelled.signal, this.cancelled.signal]),
          callers: this.callers.map((c) => c.job),
        });
        reason = execution.reason;
      } catch (err) {
        execution = { conclusion: "failure", outputs: {} };
        reason = message(err);
      } finally {
        cancelTimer();
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
  private async runCall(job: PlannedJob, called: PlannedWorkflow, ref: JobRef, signal: AbortSignal): Promise<{ execution: JobExecution; reason?: string }> {
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
