// The contract between the job runner and actions implemented inside tierci.

export interface BuiltinRun {
  /** Inputs with the action's defaults applied. */
  inputs: Record<string, string>;
  workspace: string;
  /** The repository the run was started on (the source of every snapshot). */
  repoRoot: string;
  repository: string;
  sha: string;
  ref: string;
  /** True when the job runs in the repository itself (--reuse-workspace). */
  inPlace: boolean;
  log(line: string): void;
  warning(message: string): void;
  setOutput(name: string, value: string): void;
  signal: AbortSignal;
}

export interface BuiltinAction {
  name: string;
  inputs: Record<string, { default?: string }>;
  main(run: BuiltinRun): Promise<void>;
}

/** A built-in action's failure: its message becomes the step's error annotation. */
export class BuiltinFailure extends Error {}
