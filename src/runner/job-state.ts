// The state one job's steps share: its contexts and environment as the steps change them,
// the step records, post steps and reports, and the helpers every step kind reports through.
import type { BuiltinReport } from "../actions/builtin-types.js";
import type { ActionSource } from "../actions/resolve.js";
import { interpolate, type EvalOptions, type JobStatusView } from "../expr/evaluate.js";
import type { ExprContexts, ExprValue } from "../expr/value.js";
import type { Step } from "../workflow/model.js";
import { buildPath } from "./env-files.js";
import type { Annotation, Conclusion, JobRequest, JobSink, StepRecord } from "./job-types.js";
import { Masker } from "./masker.js";
import { maskingSink } from "./masking-sink.js";
import { ProcessGroupTracker } from "./process-tree.js";
import type { JobDirs } from "./workspace.js";

export type Status = "success" | "failure" | "cancelled";

export interface StepState {
  outputs: Record<string, string>;
  outcome: Conclusion;
  conclusion: Conclusion;
}

/** One level of steps: the job itself, or the inside of a composite action. */
export interface Scope {
  steps: Record<string, StepState>;
  inputs: Record<string, ExprValue>;
  /** `env:` of enclosing composite steps, applied to the steps inside. */
  env: Record<string, string>;
  action?: ActionSource;
  status: Status;
  topLevel: boolean;
}

/** What a step's main part ended with, before continue-on-error and timeouts are applied. */
export interface StepOutcome {
  outcome: Conclusion;
  outputs: Record<string, string>;
}

export interface PostStep {
  name: string;
  condition: string;
  run: (index: number) => Promise<Conclusion>;
}

/** A step error the user can act on; anything else thrown in a step is reported as an internal error. */
export class StepError extends Error {}

export function statusView(status: Status, jobCancelled: boolean): JobStatusView {
  return { success: status === "success" && !jobCancelled, failure: status === "failure", cancelled: jobCancelled };
}

/** Set once the job's directories and contexts exist (see prepareJob). */
export interface JobSetup {
  dirs: JobDirs;
  contexts: ExprContexts;
  baseEnv: Record<string, string>;
}

export class JobState {
  readonly masker = new Masker();
  readonly tracker: ProcessGroupTracker;
  readonly records: StepRecord[] = [];
  readonly posts: PostStep[] = [];
  readonly summaries: string[] = [];
  readonly reports: BuiltinReport[] = [];
  /** GITHUB_ENV values and the job's evaluated `env:`, as the `env` context sees them. */
  readonly envContext: Record<string, string> = {};
  pathPrepends: string[] = [];
  stopToken: string | undefined;
  jobStatus: Status = "success";
  /** The job's own level of steps; its steps context feeds job outputs and post steps. */
  readonly top: Scope = { steps: {}, inputs: {}, env: {}, status: "success", topLevel: true };
  private setup: JobSetup | undefined;
  private stepCounter = 0;

  /** Where the job reports; it masks every text on the way (see masking-sink). */
  readonly sink: JobSink;

  constructor(readonly req: JobRequest) {
    this.tracker = new ProcessGroupTracker(req.options.runTag);
    for (const v of Object.values(req.options.secrets)) this.masker.addSecret(v);
    this.sink = maskingSink(req.sink, this.masker);
  }

  init(setup: JobSetup): void {
    this.setup = setup;
  }

  private get ready(): JobSetup {
    if (!this.setup) throw new Error("the job's workspace is not prepared");
    return this.setup;
  }

  get prepared(): boolean {
    return this.setup !== undefined;
  }

  get dirs(): JobDirs {
    return this.ready.dirs;
  }

  get contexts(): ExprContexts {
    return this.ready.contexts;
  }

  get baseEnv(): Record<string, string> {
    return this.ready.baseEnv;
  }

  get cancelled(): boolean {
    return this.req.signal.aborted;
  }

  get workspace(): string {
    return this.req.options.reuseWorkspace ? this.req.options.repoRoot : this.dirs.workspace;
  }

  /** Pre, main and post steps share one numbering, in the order they run. */
  nextIndex(): number {
    return this.stepCounter++;
  }

  system(line: string, stepIndex: number | null = null): void {
    this.sink.log(stepIndex, "system", line);
  }

  annotate(stepIndex: number | null, a: Annotation): void {
    this.sink.annotation(stepIndex, a);
    this.system(`${a.level === "error" ? "Error" : a.level === "warning" ? "Warning" : "Notice"}: ${a.message}`, stepIndex);
  }

  stepError(index: number, step: Step, message: string): void {
    this.annotate(index, { level: "error", message, file: step.pos.file, line: step.pos.line, col: step.pos.col });
  }

  evalOptions(status: JobStatusView): EvalOptions {
    return { workspace: this.workspace, status };
  }

  status(scope: Scope): JobStatusView {
    return statusView(scope.status, this.cancelled);
  }

  evaluateText(text: string, contexts: ExprContexts, status: JobStatusView): string {
    return text.includes("${{") ? interpolate(text, contexts, this.evalOptions(status)) : text;
  }

  scopeContexts(scope: Scope, extraEnv: Record<string, string> = {}): ExprContexts {
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

  /** The environment of a step's process: the job's, the enclosing composites', the step's, then `extra`. */
  processEnv(scope: Scope, stepEnv: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> {
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
}
