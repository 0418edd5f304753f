// A `run:` step: the script in the chosen shell, in the step's working directory.
import { writeFile } from "node:fs/promises";
import { isAbsolute, join, resolve as resolvePath } from "node:path";
import { StepError, type StepOutcome } from "../job-state.js";
import { findExecutable, resolveShell, scriptContents, scriptFileName } from "../shell.js";
import { applyProcessResult, runProcessStep } from "./process.js";
import type { StepRun } from "./step-run.js";

function workingDirectory(run: StepRun): string {
  const { state, step, scope } = run;
  const { job, workflow } = state.req;
  const defaults = scope.topLevel ? (job.job.defaults?.workingDirectory ?? workflow.workflow.defaults?.workingDirectory) : undefined;
  const raw = step.workingDirectory ?? defaults;
  if (raw === undefined) return state.workspace;
  const dir = state.evaluateText(raw, run.contexts, run.status);
  return isAbsolute(dir) ? dir : resolvePath(state.workspace, dir);
}

export async function runScript(run: StepRun): Promise<StepOutcome> {
  const { state, step, scope, index } = run;
  let script: string;
  try {
    script = state.evaluateText(step.run ?? "", run.contexts, run.status);
  } catch (err) {
    throw new StepError(`an expression in run: failed: ${(err as Error).message}`);
  }
  const { job, workflow } = state.req;
  const defaultsShell = scope.topLevel ? (job.job.defaults?.shell ?? workflow.workflow.defaults?.shell) : undefined;
  const shellText = step.shell !== undefined ? state.evaluateText(step.shell, run.contexts, run.status) : undefined;
  const env = state.processEnv(scope, run.stepEnv);
  const shell = resolveShell({ shell: shellText, defaultsShell, platform: process.platform, which: (n) => findExecutable(n, env["PATH"] ?? "") });
  if ("error" in shell) throw new StepError(shell.error);
  const scriptPath = join(state.dirs.internal, scriptFileName(shell.extension));
  await writeFile(scriptPath, scriptContents(shell.shellCommand, script, process.platform));
  const cwd = workingDirectory(run);
  state.system(shell.label, index);
  const result = await runProcessStep(state, index, { command: shell.command, args: shell.args(scriptPath), cwd, env }, run.signal);
  return applyProcessResult(state, result, index);
}
