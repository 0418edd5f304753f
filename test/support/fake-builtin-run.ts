// A BuiltinRun for unit tests of built-in actions: inputs with the action's defaults, and
// everything the action says (log, warnings, outputs, reports) kept for assertions.
import type { BuiltinAction, BuiltinReport, BuiltinRun } from "../../src/actions/builtin-types.js";

export interface FakeRun extends BuiltinRun {
  logs: string[];
  warnings: string[];
  outputs: Record<string, string>;
  reports: BuiltinReport[];
}

export interface FakeRunOptions {
  workspace: string;
  stateDir: string;
  inputs?: Record<string, string>;
  runNumber?: number;
  jobKey?: string;
  env?: Record<string, string>;
}

/** Defaults that are expressions (`${{ github.run_id }}`) get the values the runner would give them. */
export function fakeRun(action: BuiltinAction, opts: FakeRunOptions): FakeRun {
  const runNumber = opts.runNumber ?? 1;
  const context: Record<string, string> = { "${{ github.run_id }}": String(runNumber), "${{ github.repository }}": "local/repository" };
  const inputs: Record<string, string> = {};
  for (const [name, def] of Object.entries(action.inputs)) {
    if (def.default !== undefined) inputs[name] = context[def.default] ?? def.default;
  }
  Object.assign(inputs, opts.inputs);
  const run: FakeRun = {
    inputs,
    workspace: opts.workspace,
    repoRoot: opts.workspace,
    stateDir: opts.stateDir,
    repository: "local/repository",
    sha: "0".repeat(40),
    ref: "refs/heads/main",
    defaultBranch: "main",
    runId: String(runNumber),
    runNumber,
    jobKey: opts.jobKey ?? "build",
    inPlace: false,
    env: { HOME: opts.workspace, ...opts.env },
    jobStatus: "success",
    state: {},
    logs: [],
    warnings: [],
    outputs: {},
    reports: [],
    log: (line) => run.logs.push(line),
    warning: (message) => run.warnings.push(message),
    setOutput: (name, value) => (run.outputs[name] = value),
    addPath: () => {},
    exportVariable: () => {},
    saveState: () => {},
    report: (entry) => run.reports.push(entry),
    signal: new AbortController().signal,
  };
  return run;
}
