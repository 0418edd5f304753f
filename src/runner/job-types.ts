// The job runner's interface: what a job is given, what it reports as it goes, what it returns.
import type { BuiltinReport, SharedCache } from "../actions/builtin-types.js";
import type { ExprValue } from "../expr/value.js";
import type { ReportGlobs } from "../workflow/model.js";
import type { CollectedReport } from "./collect-reports.js";
import type { PlannedJob, PlannedWorkflow } from "../plan/plan-types.js";
import type { RunEvent, RunIdentity } from "./run-context.js";

import type { Conclusion } from "../formats/conclusion.js";

export type { Conclusion };

export interface NeedResult {
  result: Conclusion;
  outputs: Record<string, string>;
}

export interface Annotation {
  level: "error" | "warning" | "notice";
  message: string;
  title?: string;
  file?: string;
  line?: number;
  col?: number;
  endLine?: number;
  endColumn?: number;
}

export interface StepInfo {
  /** Position in the job's step list, pre and post steps included. */
  index: number;
  name: string;
  id?: string;
  stage: "pre" | "main" | "post";
}

export interface StepRecord extends StepInfo {
  outcome: Conclusion;
  conclusion: Conclusion;
  startedAt: number;
  durationMs: number;
}

export type LogStream = "stdout" | "stderr" | "system";

/** Everything a job reports while it runs. Text reaching it is already masked. */
export interface JobSink {
  stepStart(step: StepInfo): void;
  stepEnd(record: StepRecord): void;
  log(stepIndex: number | null, stream: LogStream, line: string): void;
  annotation(stepIndex: number | null, annotation: Annotation): void;
}

export interface JobOptions {
  /** Starts the names of the job's directories and the markers of its processes (see orphans.ts). */
  runTag?: string;
  repoRoot: string;
  /** tierci's per-repository state: run database, caches, artifacts. */
  stateDir: string;
  reuseWorkspace: boolean;
  keepWorkspace: boolean;
  actionDirs: string[];
  offline: boolean;
  /** Environment variables given with --env; the lowest-precedence `env` values. */
  env: Record<string, string>;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  debug: boolean;
  /** Report globs of the job's tier, and where to keep the reports it wrote. */
  reports?: { globs: ReportGlobs; dir: string };
  /** Caches shared with a server's other agents (see SharedCache). */
  sharedCache?: SharedCache;
  /** The runner's name (`runner.name`, RUNNER_NAME): an agent's own; `tierci` on the machine that runs tierci. */
  runnerName?: string;
  /** Cancellation grace periods, shortened in tests. */
  graceMs?: { interrupt: number; terminate: number };
}

export interface JobRequest {
  tier: string;
  workflow: PlannedWorkflow;
  job: PlannedJob;
  needs: Record<string, NeedResult>;
  strategy: Record<string, ExprValue>;
  event: RunEvent;
  run: RunIdentity;
  signal: AbortSignal;
  options: JobOptions;
  sink: JobSink;
}

export interface JobResult {
  conclusion: Exclude<Conclusion, "skipped">;
  outputs: Record<string, string>;
  steps: StepRecord[];
  /** GITHUB_STEP_SUMMARY contents of every step, in order, masked. */
  summary: string;
  /** Caches, artifacts and coverage that built-in actions handled. */
  reports: BuiltinReport[];
  /** Test, coverage and SARIF report files the job wrote, copied out of its workspace. */
  reportFiles: CollectedReport[];
  /** Masks the job's secrets and `add-mask` values in text that came from it later (its reports). */
  mask(text: string): string;
}
