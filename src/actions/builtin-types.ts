// The contract between the job runner and actions implemented inside tierci.

/** What a built-in action reports for the run summary. */
export type BuiltinReport =
  | { kind: "cache"; key: string; hit: boolean; restoredKey: string | null }
  | { kind: "artifact"; name: string; files: number; bytes: number; retentionDays: number }
  | { kind: "coverage"; file: string; format: string; flags: string[]; name: string; lineRate: number | null; linesCovered: number; linesValid: number };

/**
 * Caches shared by every machine that runs a repository's jobs (a server's agents), beside this
 * machine's own cache store. Only keys without masked text travel: a key holding a secret stays local.
 */
export interface SharedCache {
  /** The newest entry for the primary key (exact) or a restore key (prefix), its files written into `roots` (one directory per path root); its key, or null. */
  restore(q: { scopes: string[]; version: string; keys: string[]; roots: string[]; lookupOnly: boolean }): Promise<string | null>;
  /** Shares the files (`rel` under the root they belong to) under the key, unless another machine shared that key first. */
  save(q: { scope: string; version: string; key: string; roots: string[]; files: { root: number; rel: string }[] }): Promise<void>;
}

export interface BuiltinRun {
  /** Inputs with the action's defaults applied. */
  inputs: Record<string, string>;
  workspace: string;
  /** The repository the run was started on (the source of every snapshot). */
  repoRoot: string;
  /** Per-repository state of tierci (run database, caches, artifacts): `<repo>/.tierci` by default. */
  stateDir: string;
  /** Caches shared with the other machines of a server, when this job runs on one of its agents. */
  sharedCache?: SharedCache;
  repository: string;
  sha: string;
  ref: string;
  /** The repository's default branch, the fallback scope of caches. */
  defaultBranch: string;
  /** The run and the job, e.g. for artifacts stored per run. */
  runId: string;
  runNumber: number;
  /** The run's id in the run store: unlike its number, unique across copies and moves of the repository. */
  recordId: string;
  jobKey: string;
  /** True when the job runs in the repository itself (--reuse-workspace). */
  inPlace: boolean;
  /** True with --offline: nothing may be downloaded (remote actions, toolchains). */
  offline: boolean;
  /** The environment a step of this job would get now (PATH, HOME, RUNNER_TEMP, ...). */
  env: Readonly<Record<string, string>>;
  /** The job's status so far, for post steps ("success", "failure", "cancelled"). */
  jobStatus: string;
  /** State saved by this action's main step, readable in its post step. */
  state: Readonly<Record<string, string>>;
  /**
   * The text with the job's secrets and masked values replaced by ***. What a built-in keeps on
   * disk under a name the workflow chose (cache keys, artifact names) is kept masked.
   */
  mask(text: string): string;
  log(line: string): void;
  warning(message: string): void;
  setOutput(name: string, value: string): void;
  /** Prepends a directory to PATH for the rest of the job, like GITHUB_PATH. */
  addPath(dir: string): void;
  /** Sets an environment variable for the rest of the job, like GITHUB_ENV. */
  exportVariable(name: string, value: string): void;
  saveState(name: string, value: string): void;
  report(entry: BuiltinReport): void;
  signal: AbortSignal;
}

export interface BuiltinAction {
  name: string;
  inputs: Record<string, { default?: string; required?: boolean }>;
  main(run: BuiltinRun): Promise<void>;
  /** Runs at the end of the job, after the steps, in reverse order of the mains. */
  post?(run: BuiltinRun): Promise<void>;
  /** When the post step runs; `always()` unless given. */
  postIf?: string;
}

/** A built-in action's failure: its message becomes the step's error annotation. */
export class BuiltinFailure extends Error {}
