// What every step kind is handed: the job's shared state, the step, where it runs, and how
// to run nested steps (a composite action's).
import type { JobStatusView } from "../../expr/evaluate.js";
import type { ExprContexts } from "../../expr/value.js";
import type { Step } from "../../workflow/model.js";
import type { JobState, Scope } from "../job-state.js";

export interface StepRun {
  state: JobState;
  step: Step;
  scope: Scope;
  index: number;
  /** Aborted on the step's timeout and on cancellation of the job. */
  signal: AbortSignal;
  /** The step's own `env:`, evaluated. */
  stepEnv: Record<string, string>;
  /** The scope's contexts with the step's env applied. */
  contexts: ExprContexts;
  status: JobStatusView;
  /** Runs steps one after another in a scope of their own, with the same lifecycle as the job's. */
  runSteps(steps: Step[], scope: Scope): Promise<void>;
}
