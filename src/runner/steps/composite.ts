// A composite action: its steps in a scope of their own (inputs, steps context, env), then
// its outputs evaluated against that scope.
import type { ActionSource } from "../../actions/resolve.js";
import { statusView, StepError, type Scope, type StepOutcome } from "../job-state.js";
import type { StepRun } from "./step-run.js";

export async function runComposite(run: StepRun, source: ActionSource, inputs: Record<string, string>): Promise<StepOutcome> {
  const definition = source.definition;
  if (definition.runs.using !== "composite") throw new StepError("not a composite action");
  const job = run.state;
  const scope: Scope = { steps: {}, inputs, env: { ...run.scope.env, ...run.stepEnv }, action: source, status: "success", topLevel: false };
  job.system(`Composite action ${definition.name}`, run.index);
  await run.runSteps(definition.runs.steps, scope);
  const outputs: Record<string, string> = {};
  const contexts = job.scopeContexts(scope);
  for (const o of definition.outputs) {
    if (o.value === undefined) continue;
    try {
      outputs[o.name] = job.evaluateText(o.value, contexts, statusView(scope.status, job.cancelled));
    } catch (err) {
      job.annotate(run.index, { level: "error", message: `output '${o.name}' of ${source.reference}: ${(err as Error).message}` });
    }
  }
  return { outcome: scope.status === "success" ? "success" : scope.status === "cancelled" ? "cancelled" : "failure", outputs };
}
