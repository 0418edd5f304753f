// An action tierci implements itself (checkout, setup-*, cache, artifacts, ...): its main
// now, its post at the end of the job.
import { builtin } from "../builtin-registry.js";
import type { BuiltinAction, BuiltinRun } from "../../actions/builtin-types.js";
import { mergePrependPath } from "../env-files.js";
import { StepError, type StepOutcome } from "../job-state.js";
import { actionInputs } from "./inputs.js";
import type { StepRun } from "./step-run.js";

interface Call {
  inputs: Record<string, string>;
  index: number;
  signal: AbortSignal;
  outputs: Record<string, string>;
  state: Record<string, string>;
}

function builtinRun(run: StepRun, call: Call): BuiltinRun {
  const job = run.state;
  const { req } = job;
  const payload = req.event.payload as { repository?: { default_branch?: string } };
  return {
    inputs: call.inputs,
    workspace: job.workspace,
    repoRoot: req.options.repoRoot,
    stateDir: req.options.stateDir,
    ...(req.options.sharedCache ? { sharedCache: req.options.sharedCache } : {}),
    repository: req.event.repository,
    sha: req.event.sha,
    ref: req.event.ref,
    defaultBranch: payload.repository?.default_branch ?? "main",
    runId: req.run.id,
    runNumber: req.run.number,
    // A job run outside a recorded run (no tag) has only its GitHub run id to go by.
    recordId: req.options.runTag ?? req.run.id,
    jobKey: req.job.key,
    inPlace: req.options.reuseWorkspace,
    offline: req.options.offline,
    env: job.processEnv(run.scope, run.stepEnv),
    jobStatus: job.cancelled ? "cancelled" : job.jobStatus,
    state: call.state,
    mask: (text) => job.masker.mask(text),
    log: (line) => job.system(line, call.index),
    warning: (message) => job.annotate(call.index, { level: "warning", message }),
    setOutput: (name, value) => (call.outputs[name] = value),
    addPath: (dir) => (job.pathPrepends = mergePrependPath(job.pathPrepends, [dir])),
    exportVariable: (name, value) => (job.envContext[name] = value),
    saveState: (name, value) => (call.state[name] = value),
    report: (entry) => job.reports.push(entry),
    signal: call.signal,
  };
}

function postOf(run: StepRun, action: BuiltinAction, name: string, call: Call): void {
  const post = action.post;
  if (!post) return;
  run.state.posts.push({
    name: `Post ${run.step.name ?? `Run ${run.step.uses ?? name}`}`,
    condition: action.postIf ?? "always()",
    run: async (at) => {
      await post(builtinRun(run, { ...call, index: at, signal: new AbortController().signal, outputs: {} }));
      return "success";
    },
  });
}

export async function runBuiltin(run: StepRun, name: string): Promise<StepOutcome> {
  const action = await builtin(name);
  if (!action) throw new StepError(`unknown built-in action ${name}`);
  const defs = Object.entries(action.inputs).map(([input, d]) => ({ name: input, default: d.default, required: d.required }));
  const call: Call = { inputs: actionInputs(run, defs), index: run.index, signal: run.signal, outputs: {}, state: {} };
  await action.main(builtinRun(run, call));
  postOf(run, action, name, call);
  return { outcome: "success", outputs: call.outputs };
}
