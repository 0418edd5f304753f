// Picks a step's kind: a script, or an action (built-in, JavaScript or composite) once resolved.
import { resolveAction } from "../../actions/resolve.js";
import { isBuiltin } from "../builtin-registry.js";
import { StepError, type StepOutcome } from "../job-state.js";
import { runBuiltin } from "./builtin.js";
import { runComposite } from "./composite.js";
import { actionInputs } from "./inputs.js";
import { runNodeAction } from "./node-action.js";
import { runScript } from "./script.js";
import type { StepRun } from "./step-run.js";

export async function executeStep(run: StepRun): Promise<StepOutcome> {
  const { step, state } = run;
  if (step.run !== undefined) return runScript(run);
  if (step.uses === undefined) throw new StepError("the step has neither run: nor uses:");
  const { options } = state.req;
  const resolution = await resolveAction(step.uses, { workspace: state.workspace, actionDirs: options.actionDirs, offline: options.offline, isBuiltin });
  switch (resolution.kind) {
    case "missing":
      throw new StepError(resolution.message);
    case "container":
      throw new StepError(`${resolution.reason}, which needs a container engine; tierci runs steps on the host without one`);
    case "builtin":
      return runBuiltin(run, resolution.name);
    case "action": {
      const { source } = resolution;
      const inputs = actionInputs(run, source.definition.inputs);
      return source.definition.runs.using === "composite" ? runComposite(run, source, inputs) : runNodeAction(run, source, inputs);
    }
  }
}
