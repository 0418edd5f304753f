// One step's life, the same for every kind and for the steps inside composite actions: its
// name, `if:`, timeout, execution and continue-on-error, in GitHub's order. Whatever goes
// wrong in a step's own expressions or in its execution fails that step only; the job goes
// on to the steps that still run after a failure (`always()`, `failure()`) and to its posts.
import { asBoolean, asEnvMapping, asTimeoutMinutes, DEFAULT_TIMEOUT_MINUTES, evaluateField } from "../expr/coerce.js";
import { evaluateCondition, type JobStatusView } from "../expr/evaluate.js";
import type { ExprContexts } from "../expr/value.js";
import { BuiltinFailure } from "../actions/builtin-types.js";
import { setLongTimeout } from "../util/long-timeout.js";
import type { Step } from "../workflow/model.js";
import type { Conclusion, StepInfo, StepRecord } from "./job-types.js";
import { StepError, type JobState, type Scope, type StepOutcome } from "./job-state.js";
import { executeStep } from "./steps/execute.js";

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function firstLine(text: string): string {
  return (text.split("\n").find((l) => l.trim().length > 0) ?? "").trim();
}

/** The display name; one whose expression fails is shown as written, as on GitHub. */
function stepName(state: JobState, step: Step, contexts: ExprContexts, status: JobStatusView): string {
  if (step.name) {
    try {
      return state.evaluateText(step.name, contexts, status);
    } catch {
      return step.name;
    }
  }
  if (step.run !== undefined) return `Run ${firstLine(step.run)}`;
  return `Run ${step.uses ?? "step"}`;
}

/** The step's `env:`, each value seeing the ones before it, or the mapping its one expression yields. */
function stepEnvironment(state: JobState, step: Step, contexts: ExprContexts, status: JobStatusView): Record<string, string> {
  if (step.envExpression !== undefined) {
    try {
      return asEnvMapping(evaluateField(step.envExpression, contexts, state.evalOptions(status)), "env");
    } catch (err) {
      throw new StepError(message(err));
    }
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.env)) {
    try {
      env[k] = state.evaluateText(v, { ...contexts, env: { ...(contexts["env"] as Record<string, string>), ...env } }, status);
    } catch (err) {
      throw new StepError(`env.${k}: ${message(err)}`);
    }
  }
  return env;
}

export async function runSteps(state: JobState, steps: Step[], scope: Scope): Promise<void> {
  for (const step of steps) {
    const conclusion = await runStep(state, step, scope);
    if (conclusion === "failure") {
      scope.status = "failure";
      if (scope.topLevel) state.jobStatus = "failure";
    }
  }
}

export async function runStep(state: JobState, step: Step, scope: Scope): Promise<Conclusion> {
  const index = state.nextIndex();
  const status = state.status(scope);
  const contexts = state.scopeContexts(scope);
  const info: StepInfo = { index, name: stepName(state, step, contexts, status), id: step.id, stage: "main" };
  const startedAt = Date.now();
  state.sink.stepStart(info);
  const record = (outcome: Conclusion, conclusion: Conclusion, outputs: Record<string, string> = {}): Conclusion => {
    if (step.id) scope.steps[step.id] = { outputs, outcome, conclusion };
    const rec: StepRecord = { ...info, outcome, conclusion, startedAt, durationMs: Date.now() - startedAt };
    state.records.push(rec);
    state.sink.stepEnd(rec);
    return conclusion;
  };

  let run: boolean;
  try {
    run = evaluateCondition(step.if, contexts, state.evalOptions(status));
  } catch (err) {
    state.stepError(index, step, `the step's if: expression failed: ${message(err)}`);
    return record("failure", "failure");
  }
  if (!run) {
    const why = step.if ? `if: ${step.if}` : state.cancelled ? "the job was cancelled" : "an earlier step failed";
    state.system(`Skipped: ${why}`, index);
    return record("skipped", "skipped");
  }

  const result = await executeWithTimeout(state, step, scope, index, contexts, status);
  if (result.outcome !== "failure") return record(result.outcome, result.outcome, result.outputs);
  return record("failure", continuesOnError(state, step, index, contexts, status) ? "success" : "failure", result.outputs);
}

async function executeWithTimeout(
  state: JobState,
  step: Step,
  scope: Scope,
  index: number,
  contexts: ExprContexts,
  status: JobStatusView,
): Promise<StepOutcome> {
  let minutes: number;
  try {
    const value = step.timeoutMinutes === undefined ? null : evaluateField(step.timeoutMinutes, contexts, state.evalOptions(status));
    minutes = asTimeoutMinutes(value, "timeout-minutes") ?? DEFAULT_TIMEOUT_MINUTES;
  } catch (err) {
    state.stepError(index, step, `An error occurred when attempting to determine the step timeout: ${message(err)}`);
    return { outcome: "failure", outputs: {} };
  }
  // After the job is cancelled, the steps that still run (always(), cancelled()) get their own time.
  const timeout = new AbortController();
  const cancelTimer = setLongTimeout(() => timeout.abort(), minutes * 60_000);
  const signal = state.cancelled ? timeout.signal : AbortSignal.any([state.req.signal, timeout.signal]);
  let result: StepOutcome;
  try {
    const stepEnv = stepEnvironment(state, step, contexts, status);
    const withEnv = state.scopeContexts(scope, stepEnv);
    result = await executeStep({
      state,
      step,
      scope,
      index,
      signal,
      stepEnv,
      contexts: withEnv,
      status,
      runSteps: (steps, inner) => runSteps(state, steps, inner),
    });
  } catch (err) {
    const known = err instanceof StepError || err instanceof BuiltinFailure;
    state.stepError(index, step, known ? message(err) : `internal error: ${message(err)}`);
    result = { outcome: "failure", outputs: {} };
  } finally {
    cancelTimer();
  }
  if (timeout.signal.aborted) {
    state.stepError(index, step, `the step has timed out after ${minutes} minutes`);
    return { outcome: "failure", outputs: result.outputs };
  }
  if (state.req.signal.aborted && result.outcome !== "success" && result.outcome !== "skipped") return { outcome: "cancelled", outputs: result.outputs };
  return result;
}

/** Evaluated only once the step has failed, as GitHub does; an error in it keeps the failure. */
function continuesOnError(state: JobState, step: Step, index: number, contexts: ExprContexts, status: JobStatusView): boolean {
  try {
    return asBoolean(evaluateField(step.continueOnError, contexts, state.evalOptions(status)), "continue-on-error", false);
  } catch (err) {
    state.stepError(index, step, `The step failed and an error occurred when attempting to determine whether to continue on error: ${message(err)}`);
    return false;
  }
}
