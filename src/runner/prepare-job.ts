// A job's directories, its snapshot of the repository, its contexts and its base environment.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { asEnvMapping, evaluateField } from "../expr/coerce.js";
import type { ExprValue } from "../expr/value.js";
import { copySnapshot } from "../git/snapshot.js";
import { statusView, type JobState } from "./job-state.js";
import { defaultVariables, inheritedEnvironment, jobGithubContext, runnerContext } from "./run-context.js";
import { createJobDirs, repositoryDirName } from "./workspace.js";

export async function prepareJob(state: JobState): Promise<void> {
  const { req } = state;
  const dirs = await createJobDirs(repositoryDirName(req.options.repoRoot), req.job.key, req.options.runTag);
  const workspace = req.options.reuseWorkspace ? req.options.repoRoot : dirs.workspace;
  if (!req.options.reuseWorkspace) {
    const t0 = Date.now();
    const n = await copySnapshot(req.options.repoRoot, dirs.workspace);
    state.system(`Prepared workspace ${dirs.workspace}: ${n} files in ${Date.now() - t0} ms`);
  }
  const eventPath = join(dirs.internal, "event.json");
  await writeFile(eventPath, JSON.stringify(req.event.payload, null, 2));
  const identity = { workflowName: req.workflow.name, workflowPath: req.workflow.file, jobId: req.job.id };
  const github = jobGithubContext(req.event, req.run, identity, dirs, eventPath);
  github["workspace"] = workspace;
  const runner = runnerContext(dirs, req.options.debug, req.options.runnerName);
  state.init({
    dirs,
    contexts: {
      github,
      runner,
      vars: req.options.vars,
      secrets: { GITHUB_TOKEN: "", ...req.options.secrets },
      inputs: req.workflow.inputs as ExprValue,
      matrix: (req.job.matrix ?? {}) as ExprValue,
      strategy: req.strategy,
      needs: Object.fromEntries(Object.entries(req.needs).map(([k, v]) => [k, { result: v.result, outputs: v.outputs }])),
      env: {},
      job: { status: "success" },
    },
    baseEnv: { ...inheritedEnvironment(), ...defaultVariables(github, runner, dirs), GITHUB_WORKSPACE: workspace },
  });
  evaluateJobEnv(state);
}

/** --env values, then the workflow's env, then the job's, each evaluated against what is defined before it. */
function evaluateJobEnv(state: JobState): void {
  const { req } = state;
  const job = req.job.job;
  const status = statusView("success", false);
  const levels = [req.options.env, req.workflow.workflow.env, job.env];
  for (const level of levels) {
    for (const [k, v] of Object.entries(level)) state.envContext[k] = state.evaluateText(v, state.scopeContexts(state.top), status);
  }
  if (job.envExpression !== undefined) {
    const value = evaluateField(job.envExpression, state.scopeContexts(state.top), state.evalOptions(status));
    Object.assign(state.envContext, asEnvMapping(value, "env"));
  }
}
