// Runs one job on the host: its workspace, contexts and steps (scripts, built-in,
// composite and JavaScript actions), pre and post steps, and its outputs.
import { writeFile } from "node:fs/promises";
import { isAbsolute, join, resolve as resolvePath } from "node:path";
import { builtin } from "../actions/builtins.js";
import { BuiltinFailure, type BuiltinAction, type BuiltinReport, type BuiltinRun } from "../actions/builtin-types.js";
import type { ActionDefinition } from "../actions/action-file.js";
import { resolveAction, type ActionSource } from "../actions/resolve.js";
import { ProcessGroupTracker } from "./process-tree.js";
import { evaluateCondition, evaluateValue, interpolate, type EvalOptions, type JobStatusView } from "../expr/evaluate.js";
import type { ExprContexts, ExprValue } from "../expr/value.js";
import { copySnapshot } from "../git/snapshot.js";
import type { Step } from "../workflow/model.js";
import type { Annotation, Conclusion, JobRequest, JobResult, StepInfo, StepRecord } from "./job-types.js";
import { Masker } from "./masker.js";
import { defaultVariables, inheritedEnvironment, jobGithubContext, runnerContext } from "./run-context.js";
import { collectReports, reportBaseline, type CollectedReport, type ReportBaseline } from "./collect-reports.js";
import { buildPath, mergePrependPath } from "./env-files.js";
import { findExecutable, resolveShell, scriptContents, scriptFileName } from "./shell.js";
import { allowsUnsecureCommands, allowsUnsecureStopTokens } from "./workflow-commands.js";
import { runStepProcess, type StepProcessResult } from "./step-process.js";
import { createJobDirs, removeJobDirs, repositoryDirName, type JobDirs } from "./workspace.js";

type Status = "success" | "failure" | "cancelled";

interface StepState {
  outputs: Record<string, string>;
  outcome: Conclusion;
  conclusion: Conclusion;
}

/** One level of steps: the job itself, or the inside of a composite action. */
interface Scope {
  steps: Record<string, StepState>;
  inputs: Record<string, ExprValue>;
  /** `env:` of enclosing composite steps, applied to the steps inside. */
  env: Record<string, string>;
  action?: ActionSource;
  status: Status;
  topLevel: boolean;
}

interface PostStep {
  name: string;
  condition: string;
  run: (index: number) => Promise<Conclusion>;
}

const DEFAULT_STEP_TIMEOUT_MIN = 360;

function statusView(status: Status, jobCancelled: boolean): JobStatusView {
  return { success: status === "success" && !jobCancelled, failure: status === "failure", cancelled: jobCancelled };
}

function firstLine(text: string): string {
  return (text.split("\n").find((l) => l.trim().length > 0) ?? "").trim();
}

class StepError extends Error {}

class JobExecution {
  private readonly masker = new Masker();
  private readonly tracker = new ProcessGroupTracker();
  private readonly records: StepRecord[] = [];
  private readonly posts: PostStep[] = [];
  private readonly summaries: string[] = [];
  private readonly reports: BuiltinReport[] = [];
  private reportFiles: CollectedReport[] = [];
  private readonly envContext: Record<string, string> = {};
  private pathPrepends: string[] = [];
  private stopToken: string | undefined;
  private dirs!: JobDirs;
  private contexts!: ExprContexts;
  private baseEnv!: Record<string, string>;
  private stepCounter = 0;
  private jobStatus: Status = "success";
  /** The job's own level of steps; its steps context feeds job outputs and post steps. */
  private readonly top: Scope = { steps: {}, inputs: {}, env: {}, status: "success", topLevel: true };

  constructor(private readonly req: JobRequest) {
    for (const v of Object.values(req.options.secrets)) this.masker.addSecret(v);
  }

  private get cancelled(): boolean {
    return this.req.signal.aborted;
  }

  private get workspace(): string {
    return this.req.options.reuseWorkspace ? this.req.options.repoRoot : this.dirs.workspace;
  }

  private system(line: string, stepIndex: number | null = null): void {
    this.req.sink.log(stepIndex, "system", this.masker.mask(line));
  }

  private annotate(stepIndex: number | null, a: Annotation): void {
    this.req.sink.annotation(stepIndex, { ...a, message: this.masker.mask(a.message) });
    this.system(`${a.level === "error" ? "Error" : a.level === "warning" ? "Warning" : "Notice"}: ${a.message}`, stepIndex);
  }

  private evalOptions(status: JobStatusView): EvalOptions {
    return { workspace: this.workspace, status };
  }

  private scopeContexts(scope: Scope, extraEnv: Record<string, string> = {}): ExprContexts {
    const inputs = scope.topLevel ? (this.contexts["inputs"] ?? {}) : scope.inputs;
    const steps: Record<string, ExprValue> = {};
    for (const [id, s] of Object.entries(scope.steps)) steps[id] = { outputs: s.outputs, outcome: s.outcome, conclusion: s.conclusion };
    const github = { ...(this.contexts["github"] as Record<string, ExprValue>) };
    if (scope.action) {
      github["action_path"] = scope.action.dir;
      github["action_repository"] = scope.action.repository ?? "";
      github["action_ref"] = scope.action.ref ?? "";
    }
    return {
      ...this.contexts,
      github,
      inputs,
      steps,
      env: { ...this.envContext, ...scope.env, ...extraEnv },
      job: { status: this.cancelled ? "cancelled" : this.jobStatus },
    };
  }

  async run(): Promise<JobResult> {
    const { req } = this;
    const job = req.job.job;
    const started = Date.now();
    try {
      if (job.container !== undefined || job.services !== undefined) {
        const what = job.container !== undefined ? "`container:`" : "`services:`";
        this.annotate(null, {
          level: "error",
          message: `job '${job.id}' uses ${what}, which needs a container engine; tierci runs jobs on the host without one. The rest of the pipeline goes on.`,
          file: req.workflow.file,
          line: job.pos.line,
          col: job.pos.col,
        });
        return this.finish("failure");
      }
      await this.prepare();
      const wanted = req.options.reports;
      const baseline = wanted ? await reportBaseline(this.workspace, wanted.globs) : new Map<string, string>();
      await this.runSteps(job.steps, this.top, true);
      await this.runPosts();
      const outputs = this.jobOutputs();
      await this.collectReportFiles(baseline);
      return this.finish(this.cancelled ? "cancelled" : this.jobStatus, outputs);
    } catch (err) {
      this.annotate(null, { level: "error", message: `the job could not run: ${err instanceof Error ? err.message : String(err)}` });
      return this.finish(this.cancelled ? "cancelled" : "failure");
    } finally {
      const killed = await this.tracker.killAll();
      for (const k of killed) this.system(`Terminated orphan process ${k.pid} (${k.command})`);
      if (this.dirs && !req.options.keepWorkspace && !req.options.reuseWorkspace) await removeJobDirs(this.dirs);
      this.system(`Job finished in ${Date.now() - started} ms`);
    }
  }

  private async collectReportFiles(baseline: ReportBaseline): Promise<void> {
    const wanted = this.req.options.reports;
    if (!wanted) return;
    try {
      this.reportFiles = await collectReports(this.workspace, wanted.globs, baseline, wanted.dir);
      for (const r of this.reportFiles) this.system(`Found ${r.kind} report ${r.source}`);
    } catch (err) {
      this.annotate(null, { level: "warning", message: `could not collect the job's reports: ${(err as Error).message}` });
    }
  }

  private finish(conclusion: Status, outputs: Record<string, string> = {}): JobResult {
    return { conclusion, outputs, steps: this.records, summary: this.summaries.join(""), reports: this.reports, reportFiles: this.reportFiles, mask: (text) => this.masker.mask(text) };
  }

  private async prepare(): Promise<void> {
    const { req } = this;
    const repoName = repositoryDirName(req.options.repoRoot);
    this.dirs = await createJobDirs(repoName, req.job.key);
    if (!req.options.reuseWorkspace) {
      const t0 = Date.now();
      const n = await copySnapshot(req.options.repoRoot, this.dirs.workspace);
      this.system(`Prepared workspace ${this.dirs.workspace}: ${n} files in ${Date.now() - t0} ms`);
    }
    const eventPath = join(this.dirs.internal, "event.json");
    await writeFile(eventPath, JSON.stringify(req.event.payload, null, 2));
    const identity = { workflowName: req.workflow.name, workflowPath: req.workflow.file, jobId: req.job.id };
    const github = jobGithubContext(req.event, req.run, identity, this.dirs, eventPath);
    github["workspace"] = this.workspace;
    const runner = runnerContext(this.dirs, req.options.debug);
    this.contexts = {
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
    };
    this.baseEnv = { ...inheritedEnvironment(), ...defaultVariables(github, runner, this.dirs), GITHUB_WORKSPACE: this.workspace };
    // Workflow env, then job env, each evaluated against what is defined before it.
    const levels = [req.options.env, req.workflow.workflow.env, req.job.job.env];
    for (const level of levels) {
      for (const [k, v] of Object.entries(level)) {
        this.envContext[k] = String(this.evaluateText(v, this.scopeContexts(this.top), statusView("success", false)));
      }
    }
  }

  private evaluateText(text: string, contexts: ExprContexts, status: JobStatusView): string {
    return text.includes("${{") ? interpolate(text, contexts, this.evalOptions(status)) : text;
  }

  private stepName(step: Step, contexts: ExprContexts, status: JobStatusView): string {
    if (step.name) {
      try {
        return this.evaluateText(step.name, contexts, status);
      } catch {
        return step.name;
      }
    }
    if (step.run !== undefined) return `Run ${firstLine(step.run)}`;
    return `Run ${step.uses ?? "step"}`;
  }

  private async runSteps(steps: Step[], scope: Scope, topLevel: boolean): Promise<void> {
    for (const step of steps) {
      const conclusion = await this.runStep(step, scope);
      if (conclusion === "failure") {
        scope.status = "failure";
        if (topLevel) this.jobStatus = "failure";
      }
    }
  }

  private async runStep(step: Step, scope: Scope): Promise<Conclusion> {
    const index = this.stepCounter++;
    const status = statusView(scope.status, this.cancelled);
    const contexts = this.scopeContexts(scope);
    const info: StepInfo = { index, name: this.stepName(step, contexts, status), id: step.id, stage: "main" };
    const startedAt = Date.now();
    const record = (outcome: Conclusion, conclusion: Conclusion, outputs: Record<string, string> = {}): Conclusion => {
      if (step.id) scope.steps[step.id] = { outputs, outcome, conclusion };
      this.records.push({ ...info, outcome, conclusion, startedAt, durationMs: Date.now() - startedAt });
      this.req.sink.stepEnd(this.records[this.records.length - 1] as StepRecord);
      return conclusion;
    };
    this.req.sink.stepStart(info);

    let run: boolean;
    try {
      run = evaluateCondition(step.if, contexts, this.evalOptions(status));
    } catch (err) {
      this.stepError(index, step, `the step's if: expression failed: ${(err as Error).message}`);
      return record("failure", "failure");
    }
    if (!run) {
      const why = step.if ? `if: ${step.if}` : this.cancelled ? "the job was cancelled" : "an earlier step failed";
      this.system(`Skipped: ${why}`, index);
      return record("skipped", "skipped");
    }

    let continueOnError = false;
    try {
      const v = typeof step.continueOnError === "string" ? evaluateValue(step.continueOnError, contexts, this.evalOptions(status)) : step.continueOnError;
      continueOnError = v === true || v === "true";
    } catch (err) {
      this.stepError(index, step, `continue-on-error: ${(err as Error).message}`);
    }

    // After the job is cancelled, the steps that still run (always(), cancelled()) get their own time.
    const timeout = new AbortController();
    const minutes = this.timeoutMinutes(step, contexts, status);
    const timer = setTimeout(() => timeout.abort(), minutes * 60_000);
    const signal = this.cancelled ? timeout.signal : AbortSignal.any([this.req.signal, timeout.signal]);
    let result: { outcome: Conclusion; outputs: Record<string, string> };
    try {
      result = await this.execute(step, scope, index, signal);
    } catch (err) {
      const message = err instanceof StepError || err instanceof BuiltinFailure ? err.message : `internal error: ${(err as Error).message}`;
      this.stepError(index, step, message);
      result = { outcome: "failure", outputs: {} };
    } finally {
      clearTimeout(timer);
    }
    if (timeout.signal.aborted) {
      this.stepError(index, step, `the step has timed out after ${minutes} minutes`);
      result = { outcome: "failure", outputs: result.outputs };
    } else if (this.req.signal.aborted && result.outcome !== "success" && result.outcome !== "skipped") {
      result = { outcome: "cancelled", outputs: result.outputs };
    }
    const conclusion = result.outcome === "failure" && continueOnError ? "success" : result.outcome;
    return record(result.outcome, conclusion, result.outputs);
  }

  private timeoutMinutes(step: Step, contexts: ExprContexts, status: JobStatusView): number {
    if (step.timeoutMinutes === undefined) return DEFAULT_STEP_TIMEOUT_MIN;
    const v = typeof step.timeoutMinutes === "string" ? Number(evaluateValue(step.timeoutMinutes, contexts, this.evalOptions(status))) : step.timeoutMinutes;
    return Number.isFinite(v) && v > 0 ? v : DEFAULT_STEP_TIMEOUT_MIN;
  }

  private stepError(index: number, step: Step, message: string): void {
    this.annotate(index, { level: "error", message, file: step.pos.file, line: step.pos.line, col: step.pos.col });
  }

  private async execute(step: Step, scope: Scope, index: number, signal: AbortSignal): Promise<{ outcome: Conclusion; outputs: Record<string, string> }> {
    const status = statusView(scope.status, this.cancelled);
    const contexts = this.scopeContexts(scope);
    const stepEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(step.env)) {
      stepEnv[k] = this.evaluateText(v, { ...contexts, env: { ...(contexts["env"] as Record<string, string>), ...stepEnv } }, status);
    }
    const withEnv = this.scopeContexts(scope, stepEnv);
    if (step.run !== undefined) return this.runScript(step, scope, index, signal, stepEnv, withEnv, status);
    if (step.uses !== undefined) return this.runAction(step, scope, index, signal, stepEnv, withEnv, status);
    throw new StepError("the step has neither run: nor uses:");
  }

  private processEnv(scope: Scope, stepEnv: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> {
    const env: Record<string, string> = { ...this.baseEnv, ...this.envContext, ...scope.env, ...stepEnv, ...extra };
    // GitHub sets these from its contexts after the env values, so GITHUB_ENV cannot change them.
    for (const [k, v] of Object.entries(this.baseEnv)) if (/^(GITHUB|RUNNER)_/.test(k)) env[k] = v;
    if (scope.action) {
      env["GITHUB_ACTION_PATH"] = scope.action.dir;
      env["GITHUB_ACTION_REPOSITORY"] = scope.action.repository ?? "";
      env["GITHUB_ACTION_REF"] = scope.action.ref ?? "";
    }
    Object.assign(env, extra);
    env["PATH"] = buildPath(this.pathPrepends, env["PATH"] ?? "");
    return env;
  }

  private workingDirectory(step: Step, scope: Scope, contexts: ExprContexts, status: JobStatusView): string {
    const defaults = scope.topLevel ? (this.req.job.job.defaults?.workingDirectory ?? this.req.workflow.workflow.defaults?.workingDirectory) : undefined;
    const raw = step.workingDirectory ?? defaults;
    if (raw === undefined) return this.workspace;
    const dir = this.evaluateText(raw, contexts, status);
    return isAbsolute(dir) ? dir : resolvePath(this.workspace, dir);
  }

  private async runScript(step: Step, scope: Scope, index: number, signal: AbortSignal, stepEnv: Record<string, string>, contexts: ExprContexts, status: JobStatusView): Promise<{ outcome: Conclusion; outputs: Record<string, string> }> {
    let script: string;
    try {
      script = this.evaluateText(step.run ?? "", contexts, status);
    } catch (err) {
      throw new StepError(`an expression in run: failed: ${(err as Error).message}`);
    }
    const defaultsShell = scope.topLevel ? (this.req.job.job.defaults?.shell ?? this.req.workflow.workflow.defaults?.shell) : undefined;
    const shellText = step.shell !== undefined ? this.evaluateText(step.shell, contexts, status) : undefined;
    const env = this.processEnv(scope, stepEnv);
    const shell = resolveShell({ shell: shellText, defaultsShell, platform: process.platform, which: (n) => findExecutable(n, env["PATH"] ?? "") });
    if ("error" in shell) throw new StepError(shell.error);
    const scriptPath = join(this.dirs.internal, scriptFileName(shell.extension));
    await writeFile(scriptPath, scriptContents(shell.shellCommand, script, process.platform));
    const cwd = this.workingDirectory(step, scope, contexts, status);
    this.system(shell.label, index);
    const result = await this.process(index, shell.command, shell.args(scriptPath), cwd, env, signal);
    return this.applyProcessResult(result, index, scope);
  }

  private async process(index: number, command: string, args: string[], cwd: string, env: Record<string, string>, signal: AbortSignal): Promise<StepProcessResult> {
    const result = await runStepProcess({
      command,
      args,
      cwd,
      env,
      stepIndex: index,
      internalDir: this.dirs.internal,
      workspace: this.workspace,
      allowUnsecure: allowsUnsecureCommands(process.env["ACTIONS_ALLOW_UNSECURE_COMMANDS"], env["ACTIONS_ALLOW_UNSECURE_COMMANDS"]),
      allowUnsecureStopTokens: allowsUnsecureStopTokens(process.env["ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS"], env["ACTIONS_ALLOW_UNSECURE_STOPCOMMAND_TOKENS"]),
      ...(this.stopToken !== undefined ? { stopToken: this.stopToken } : {}),
      signal,
      tracker: this.tracker,
      masker: this.masker,
      sink: this.req.sink,
      debug: this.req.options.debug,
      ...(this.req.options.graceMs ? { graceMs: this.req.options.graceMs } : {}),
    });
    this.stopToken = result.stopToken;
    return result;
  }

  /** Env files and exit code to the step's outcome; GITHUB_ENV and GITHUB_PATH reach the whole job. */
  private applyProcessResult(result: StepProcessResult, index: number, _scope: Scope): { outcome: Conclusion; outputs: Record<string, string> } {
    for (const [k, v] of result.env) this.envContext[k] = v;
    this.pathPrepends = mergePrependPath(this.pathPrepends, result.path);
    if (result.summary) this.summaries.push(result.summary);
    if (result.cancelled) return { outcome: "cancelled", outputs: result.outputs };
    if (result.exitCode !== 0) {
      this.system(`Process completed with exit code ${result.exitCode ?? "(killed)"}.`, index);
      if (result.errorAnnotations === 0) this.annotate(index, { level: "error", message: `Process completed with exit code ${result.exitCode ?? "(killed by a signal)"}.` });
    }
    const ok = result.exitCode === 0 && result.errors.length === 0;
    return { outcome: ok ? "success" : "failure", outputs: result.outputs };
  }

  private actionInputs(definition: { inputs: { name: string; default?: string; required?: boolean }[] }, step: Step, contexts: ExprContexts, status: JobStatusView, index: number): Record<string, string> {
    const inputs: Record<string, string> = {};
    for (const def of definition.inputs) {
      if (def.default !== undefined) inputs[def.name] = this.evaluateText(def.default, contexts, status);
    }
    for (const [k, v] of Object.entries(step.with)) {
      try {
        inputs[k] = this.evaluateText(v, contexts, status);
      } catch (err) {
        throw new StepError(`with.${k}: ${(err as Error).message}`);
      }
    }
    const known = new Set(definition.inputs.map((i) => i.name));
    for (const k of Object.keys(step.with)) {
      if (known.size > 0 && !known.has(k)) this.annotate(index, { level: "warning", message: `Unexpected input '${k}', valid inputs are [${[...known].join(", ")}]` });
    }
    for (const def of definition.inputs) {
      if (def.required && !(def.name in inputs)) this.annotate(index, { level: "warning", message: `Input required and not supplied: ${def.name}` });
    }
    return inputs;
  }

  private async runAction(step: Step, scope: Scope, index: number, signal: AbortSignal, stepEnv: Record<string, string>, contexts: ExprContexts, status: JobStatusView): Promise<{ outcome: Conclusion; outputs: Record<string, string> }> {
    const uses = step.uses ?? "";
    const resolution = await resolveAction(uses, { workspace: this.workspace, actionDirs: this.req.options.actionDirs, offline: this.req.options.offline });
    switch (resolution.kind) {
      case "missing":
        throw new StepError(resolution.message);
      case "container":
        throw new StepError(`${resolution.reason}, which needs a container engine; tierci runs steps on the host without one`);
      case "builtin":
        return this.runBuiltin(step, resolution.name, scope, stepEnv, contexts, status, index, signal);
      case "action": {
        const { source } = resolution;
        const inputs = this.actionInputs(source.definition, step, contexts, status, index);
        if (source.definition.runs.using === "composite") return this.runComposite(source, source.definition, inputs, scope, stepEnv, index);
        return this.runNodeAction(step, source, inputs, scope, stepEnv, index, signal);
      }
    }
  }

  private builtinRun(action: BuiltinAction, inputs: Record<string, string>, scope: Scope, stepEnv: Record<string, string>, index: number, signal: AbortSignal, outputs: Record<string, string>, state: Record<string, string>): BuiltinRun {
    const payload = this.req.event.payload as { repository?: { default_branch?: string } };
    return {
      inputs,
      workspace: this.workspace,
      repoRoot: this.req.options.repoRoot,
      stateDir: this.req.options.stateDir,
      repository: this.req.event.repository,
      sha: this.req.event.sha,
      ref: this.req.event.ref,
      defaultBranch: payload.repository?.default_branch ?? "main",
      runId: this.req.run.id,
      runNumber: this.req.run.number,
      jobKey: this.req.job.key,
      inPlace: this.req.options.reuseWorkspace,
      env: this.processEnv(scope, stepEnv),
      jobStatus: this.cancelled ? "cancelled" : this.jobStatus,
      state,
      log: (line) => this.system(line, index),
      warning: (message) => this.annotate(index, { level: "warning", message }),
      setOutput: (name, value) => (outputs[name] = value),
      addPath: (dir) => (this.pathPrepends = mergePrependPath(this.pathPrepends, [dir])),
      exportVariable: (name, value) => (this.envContext[name] = value),
      saveState: (name, value) => (state[name] = value),
      report: (entry) => this.reports.push(entry),
      signal,
    };
  }

  private async runBuiltin(step: Step, name: string, scope: Scope, stepEnv: Record<string, string>, contexts: ExprContexts, status: JobStatusView, index: number, signal: AbortSignal): Promise<{ outcome: Conclusion; outputs: Record<string, string> }> {
    const action = builtin(name);
    if (!action) throw new StepError(`unknown built-in action ${name}`);
    const defs = Object.entries(action.inputs).map(([input, d]) => ({ name: input, default: d.default, required: d.required }));
    const inputs = this.actionInputs({ inputs: defs }, step, contexts, status, index);
    const outputs: Record<string, string> = {};
    const state: Record<string, string> = {};
    await action.main(this.builtinRun(action, inputs, scope, stepEnv, index, signal, outputs, state));
    const post = action.post;
    if (post) {
      this.posts.push({
        name: `Post ${step.name ?? `Run ${step.uses ?? name}`}`,
        condition: action.postIf ?? "always()",
        run: async (at) => {
          await post(this.builtinRun(action, inputs, scope, stepEnv, at, new AbortController().signal, {}, state));
          return "success";
        },
      });
    }
    return { outcome: "success", outputs };
  }

  private nodeEnv(step: Step, source: ActionSource, inputs: Record<string, string>, state: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {
      GITHUB_ACTION: step.id ?? `__${(source.repository ?? "local").replace(/\W/g, "_")}`,
      GITHUB_ACTION_PATH: source.dir,
      GITHUB_ACTION_REPOSITORY: source.repository ?? "",
      GITHUB_ACTION_REF: source.ref ?? "",
    };
    for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.replace(/ /g, "_").toUpperCase()}`] = v;
    for (const [k, v] of Object.entries(state)) env[`STATE_${k}`] = v;
    return env;
  }

  private async runNodeAction(step: Step, source: ActionSource, inputs: Record<string, string>, scope: Scope, stepEnv: Record<string, string>, index: number, signal: AbortSignal): Promise<{ outcome: Conclusion; outputs: Record<string, string> }> {
    const runs = source.definition.runs;
    if (runs.using !== "node") throw new StepError("not a JavaScript action");
    const state: Record<string, string> = {};
    const node = process.execPath;
    const runEntry = async (entry: string, at: number, sig: AbortSignal): Promise<{ outcome: Conclusion; outputs: Record<string, string> }> => {
      const env = this.processEnv(scope, stepEnv, this.nodeEnv(step, source, inputs, state));
      const result = await this.process(at, node, [join(source.dir, entry)], this.workspace, env, sig);
      Object.assign(state, result.state);
      return this.applyProcessResult(result, at, scope);
    };
    if (runs.pre) {
      const pre = await runEntry(runs.pre, index, signal);
      if (pre.outcome !== "success") return pre;
    }
    const main = await runEntry(runs.main, index, signal);
    if (runs.post) {
      const post = runs.post;
      this.posts.push({
        name: `Post ${step.name ?? `Run ${step.uses ?? ""}`}`,
        condition: runs.postIf ?? "always()",
        run: async (at) => (await runEntry(post, at, new AbortController().signal)).outcome,
      });
    }
    return main;
  }

  private async runComposite(source: ActionSource, definition: ActionDefinition, inputs: Record<string, string>, parent: Scope, stepEnv: Record<string, string>, index: number): Promise<{ outcome: Conclusion; outputs: Record<string, string> }> {
    if (definition.runs.using !== "composite") throw new StepError("not a composite action");
    const scope: Scope = { steps: {}, inputs, env: { ...parent.env, ...stepEnv }, action: source, status: "success", topLevel: false };
    this.system(`Composite action ${definition.name}`, index);
    await this.runSteps(definition.runs.steps, scope, false);
    const outputs: Record<string, string> = {};
    const contexts = this.scopeContexts(scope);
    for (const o of definition.outputs) {
      if (o.value === undefined) continue;
      try {
        outputs[o.name] = this.evaluateText(o.value, contexts, statusView(scope.status, this.cancelled));
      } catch (err) {
        this.annotate(index, { level: "error", message: `output '${o.name}' of ${source.reference}: ${(err as Error).message}` });
      }
    }
    return { outcome: scope.status === "success" ? "success" : scope.status === "cancelled" ? "cancelled" : "failure", outputs };
  }

  private async runPosts(): Promise<void> {
    for (const post of [...this.posts].reverse()) {
      const index = this.stepCounter++;
      const info: StepInfo = { index, name: post.name, stage: "post" };
      this.req.sink.stepStart(info);
      const startedAt = Date.now();
      let conclusion: Conclusion = "skipped";
      const status = statusView(this.jobStatus, this.cancelled);
      try {
        if (evaluateCondition(post.condition, this.scopeContexts(this.top), this.evalOptions(status))) conclusion = await post.run(index);
      } catch (err) {
        const message = err instanceof BuiltinFailure ? err.message : `internal error: ${(err as Error).message}`;
        this.annotate(index, { level: "error", message: `${post.name}: ${message}` });
        conclusion = "failure";
      }
      if (conclusion === "failure") this.jobStatus = "failure";
      const rec: StepRecord = { ...info, outcome: conclusion, conclusion, startedAt, durationMs: Date.now() - startedAt };
      this.records.push(rec);
      this.req.sink.stepEnd(rec);
    }
  }

  private jobOutputs(): Record<string, string> {
    const outputs: Record<string, string> = {};
    const contexts = this.scopeContexts(this.top);
    for (const [k, v] of Object.entries(this.req.job.job.outputs)) {
      try {
        const value = this.evaluateText(v, contexts, statusView(this.jobStatus, this.cancelled));
        if (this.masker.mask(value) !== value) {
          this.annotate(null, { level: "warning", message: `Skip output '${k}' since it may contain secret.` });
          continue;
        }
        outputs[k] = value;
      } catch (err) {
        this.annotate(null, { level: "error", message: `job output '${k}': ${(err as Error).message}` });
      }
    }
    return outputs;
  }
}

export async function runJob(req: JobRequest): Promise<JobResult> {
  return new JobExecution(req).run();
}
