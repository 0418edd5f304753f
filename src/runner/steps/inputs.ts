// An action's inputs: its defaults, then the step's `with:`, evaluated; unknown and missing
// required inputs are warnings, as on GitHub.
import { StepError } from "../job-state.js";
import type { StepRun } from "./step-run.js";

export interface InputDefinition {
  name: string;
  default?: string | undefined;
  required?: boolean | undefined;
}

export function actionInputs(run: StepRun, definitions: InputDefinition[]): Record<string, string> {
  const { state, step, index } = run;
  const inputs: Record<string, string> = {};
  for (const def of definitions) {
    if (def.default !== undefined) inputs[def.name] = state.evaluateText(def.default, run.contexts, run.status);
  }
  for (const [k, v] of Object.entries(step.with)) {
    try {
      inputs[k] = state.evaluateText(v, run.contexts, run.status);
    } catch (err) {
      throw new StepError(`with.${k}: ${(err as Error).message}`);
    }
  }
  const known = new Set(definitions.map((i) => i.name));
  for (const k of Object.keys(step.with)) {
    if (known.size > 0 && !known.has(k))
      state.annotate(index, { level: "warning", message: `Unexpected input '${k}', valid inputs are [${[...known].join(", ")}]` });
  }
  for (const def of definitions) {
    if (def.required && !(def.name in inputs)) state.annotate(index, { level: "warning", message: `Input required and not supplied: ${def.name}` });
  }
  return inputs;
}
