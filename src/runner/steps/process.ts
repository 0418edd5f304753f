// A step's process (a script, or a JavaScript action's entry point) and what it changes
// for the rest of the job: env files, PATH, the step summary and the stop-commands token.
import type { JobState, StepOutcome } from "../job-state.js";
import { mergePrependPath } from "../env-files.js";
import { runStepProcess, type StepProcessResult } from "../step-process.js";
import { allowsUnsecureCommands, allowsUnsecureStopTokens } from "../workflow-commands.js";

export interface ProcessSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export async function runProcessStep(state: JobState, index: number, spec: ProcessSpec, signal: AbortSignal): Promise<StepProcessResult> {
  const { options } = state.req;
  const result = await runStepProcess({
    ...spec,
    stepIndex: index,
    internalDir: state.dirs.internal,
    workspace: state.workspace,
    allowUnsecure: allowsUnsecureCommands(process.env["ACTIONS_ALLOW_UNSECURE_COMMANDS"], spec.env["ACTIONS_ALLOW_UNSECURE_COMMANDS"]),
    allowUnsecureStopTokens: allowsUnsecureStopTokens(
      process.env["ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS"],
      spec.env["ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS"],
    ),
    ...(state.stopToken !== undefined ? { stopToken: state.stopToken } : {}),
    signal,
    tracker: state.tracker,
    masker: state.masker,
    sink: state.sink,
    debug: options.debug,
    ...(options.graceMs ? { graceMs: options.graceMs } : {}),
  });
  state.stopToken = result.stopToken;
  return result;
}

/** Env files and exit code to the step's outcome; GITHUB_ENV and GITHUB_PATH reach the whole job. */
export function applyProcessResult(state: JobState, result: StepProcessResult, index: number): StepOutcome {
  for (const [k, v] of result.env) state.envContext[k] = v;
  state.pathPrepends = mergePrependPath(state.pathPrepends, result.path);
  if (result.summary) state.summaries.push(result.summary);
  if (result.cancelled) return { outcome: "cancelled", outputs: result.outputs };
  if (result.exitCode !== 0) {
    state.system(`Process completed with exit code ${result.exitCode ?? "(killed)"}.`, index);
    if (result.errorAnnotations === 0)
      state.annotate(index, { level: "error", message: `Process completed with exit code ${result.exitCode ?? "(killed by a signal)"}.` });
  }
  const ok = result.exitCode === 0 && result.errors.length === 0;
  return { outcome: ok ? "success" : "failure", outputs: result.outputs };
}
