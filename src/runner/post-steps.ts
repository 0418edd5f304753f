// Post steps of the actions that registered one, in reverse order of their mains, each
// under its own condition (always() unless the action says otherwise).
import { BuiltinFailure } from "../actions/builtin-types.js";
import { evaluateCondition } from "../expr/evaluate.js";
import type { Conclusion, StepInfo, StepRecord } from "./job-types.js";
import { statusView, type JobState } from "./job-state.js";

export async function runPostSteps(state: JobState): Promise<void> {
  for (const post of [...state.posts].reverse()) {
    const index = state.nextIndex();
    const info: StepInfo = { index, name: post.name, stage: "post" };
    state.sink.stepStart(info);
    const startedAt = Date.now();
    let conclusion: Conclusion = "skipped";
    try {
      if (evaluateCondition(post.condition, state.scopeContexts(state.top), state.evalOptions(statusView(state.jobStatus, state.cancelled))))
        conclusion = await post.run(index);
    } catch (err) {
      const message = err instanceof BuiltinFailure ? err.message : `internal error: ${(err as Error).message}`;
      state.annotate(index, { level: "error", message: `${post.name}: ${message}` });
      conclusion = "failure";
    }
    if (conclusion === "failure") state.jobStatus = "failure";
    const rec: StepRecord = { ...info, outcome: conclusion, conclusion, startedAt, durationMs: Date.now() - startedAt };
    state.records.push(rec);
    state.sink.stepEnd(rec);
  }
}
