// The validated, position-carrying model of workflow files that every later stage reads.
// Values that may hold `${{ }}` stay as the exact text GitHub would see; they are
// evaluated by src/expr when a job runs, not here.

/** A place in a source file. Lines and columns are 1-based. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}

/** A plain YAML value as it appears in the file (after anchors are resolved). */
export type YamlValue = null | boolean | number | string | YamlValue[] | { [key: string]: YamlValue };

export interface BranchTagPathFilters {
  branches?: string[];
  branchesIgnore?: string[];
  tags?: string[];
  tagsIgnore?: string[];
  paths?: string[];
  pathsIgnore?: string[];
  types?: string[];
}

export type InputType = "string" | "boolean" | "choice" | "number" | "environment";

export interface InputDef {
  name: string;
  type: InputType;
  description?: string;
  required: boolean;
  default?: string | boolean | number;
  options?: string[];
  pos: SourcePos;
}

export interface WorkflowCallOutputDef {
  name: string;
  value: string;
  description?: string;
}

export interface SecretDef {
  name: string;
  required: boolean;
}

/** One event under `on:`. Filters are absent when the workflow sets none. */
export interface Trigger {
  event: string;
  filters: BranchTagPathFilters;
  /** `schedule` only: the cron lines, in UTC. */
  crons?: string[];
  /** `workflow_dispatch` and `workflow_call` only. */
  inputs?: InputDef[];
  /** `workflow_call` only. */
  outputs?: WorkflowCallOutputDef[];
  secrets?: SecretDef[];
  /** `workflow_run` only. */
  workflows?: string[];
  pos: SourcePos;
}

export interface RunDefaults {
  shell?: string;
  workingDirectory?: string;
}

export interface Concurrency {
  group: string;
  /** A boolean, or an expression text. */
  cancelInProgress: boolean | string;
}

/** `permissions:` as written: `read-all`/`write-all`/`{}` or a scope map. */
export type Permissions = "read-all" | "write-all" | Record<string, "read" | "write" | "none">;

export interface Step {
  /** 0-based index inside the job. */
  index: number;
  id?: string;
  name?: string;
  if?: string;
  run?: string;
  uses?: string;
  with: Record<string, string>;
  env: Record<string, string>;
  /** `env:` written as one expression that yields the mapping; evaluated when the step starts. */
  envExpression?: string;
  shell?: string;
  workingDirectory?: string;
  continueOnError: boolean | string;
  timeoutMinutes?: number | string;
  pos: SourcePos;
}

export interface Strategy {
  /** The matrix mapping, or the text of an expression that yields it (e.g. `${{ fromJSON(...) }}`). */
  matrix?: { [key: string]: YamlValue } | string;
  failFast: boolean | string;
  maxParallel?: number | string;
}

export interface Job {
  id: string;
  name?: string;
  needs: string[];
  if?: string;
  runsOn?: YamlValue;
  strategy?: Strategy;
  env: Record<string, string>;
  /** `env:` written as one expression that yields the mapping; evaluated when the job starts. */
  envExpression?: string;
  defaults?: RunDefaults;
  permissions?: Permissions;
  timeoutMinutes?: number | string;
  continueOnError: boolean | string;
  concurrency?: Concurrency;
  outputs: Record<string, string>;
  environment?: YamlValue;
  container?: YamlValue;
  services?: YamlValue;
  steps: Step[];
  /** A reusable-workflow job: `uses: ./.github/workflows/x.yml` or `owner/repo/...@ref`. */
  uses?: string;
  with: Record<string, YamlValue>;
  secrets?: "inherit" | Record<string, string>;
  pos: SourcePos;
}

export interface Workflow {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  /** The file name alone, as tiers.yml refers to it. */
  fileName: string;
  /** `name:`, or the path when absent (GitHub's rule). */
  name: string;
  runName?: string;
  triggers: Trigger[];
  env: Record<string, string>;
  defaults?: RunDefaults;
  permissions?: Permissions;
  concurrency?: Concurrency;
  jobs: Job[];
}

/** Where a job's test, coverage and SARIF reports are found in its workspace (globs). */
export interface ReportGlobs {
  junit: string[];
  coverage: string[];
  sarif: string[];
}

export interface Tier {
  name: string;
  budgetMs?: number;
  /** File names of workflows, as listed. */
  workflows: string[];
  /** Report globs of this tier's jobs, when the tier sets its own. */
  reports?: ReportGlobs;
  pos?: SourcePos;
}

export type Severity = "error" | "warning";

export interface Diagnostic {
  severity: Severity;
  file: string;
  line: number;
  col: number;
  message: string;
  /** What the user can do about it. */
  hint?: string;
  /** A short stable id, e.g. `syntax`, `expression`, `needs`. */
  rule: string;
  /**
   * GitHub accepts the file and the problem shows only when the step runs: `lint`
   * reports it as an error, `plan` and `run` warn and go ahead, as GitHub would.
   */
  runtime?: boolean;
}
