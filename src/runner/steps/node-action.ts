// A JavaScript action (`runs.using: node*`): pre, main and post entry points in this Node,
// with INPUT_* and STATE_* variables as the toolkit reads them.
import { join } from "node:path";
import type { ActionSource } from "../../actions/resolve.js";
import { StepError, type StepOutcome } from "../job-state.js";
import { applyProcessResult, runProcessStep } from "./process.js";
import type { StepRun } from "./step-run.js";

function nodeEnv(run: StepRun, source: ActionSource, inputs: Record<string, string>, state: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {
    GITHUB_ACTION: run.step.id ?? `__${(source.repository ?? "local").replace(/\W/g, "_")}`,
    GITHUB_ACTION_PATH: source.dir,
    GITHUB_ACTION_REPOSITORY: source.repository ?? "",
    GITHUB_ACTION_REF: source.ref ?? "",
  };
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.replace(/ /g, "_").toUpperCase()}`] = v;
  for (const [k, v] of Object.entries(state)) env[`STATE_${k}`] = v;
  return env;
}

export async function runNodeAction(run: StepRun, source: ActionSource, inputs: Record<string, string>): Promise<StepOutcome> {
  const runs = source.definition.runs;
  if (runs.using !== "node") throw new StepError("not a JavaScript action");
  const job = run.state;
  const saved: Record<string, string> = {};
  const runEntry = async (entry: string, at: number, signal: AbortSignal): Promise<StepOutcome> => {
    const env = job.processEnv(run.scope, run.stepEnv, nodeEnv(run, source, inputs, saved));
    const result = await runProcessStep(job, at, { command: process.execPath, args: [join(source.dir, entry)], cwd: job.workspace, env }, signal);
    Object.assign(saved, result.state);
    return applyProcessResult(job, result, at);
  };
  if (runs.pre) {
    const pre = await runEntry(runs.pre, run.index, run.signal);
    if (pre.outcome !== "success") return pre;
  }
  const main = await runEntry(runs.main, run.index, run.signal);
  if (runs.post) {
    const post = runs.post;
    job.posts.push({
      name: `Post ${run.step.name ?? `Run ${run.step.uses ?? ""}`}`,
      condition: runs.postIf ?? "always()",
      run: async (at) => (await runEntry(post, at, new AbortController().signal)).outcome,
    });
  }
  return main;
}
