// A BuiltinRun for unit tests of built-in actions: inputs with the action's defaults, and
// everything the action says (log, warnings, outputs, reports) kept for assertions.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
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
  /** The run's id in the run store; `run-<number>` unless given. */
  recordId?: string;
  jobKey?: string;
  env?: Record<string, string>;
  offline?: boolean;
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
    mask: (text) => text,
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
    recordId: opts.recordId ?? `run-${runNumber}`,
    jobKey: opts.jobKey ?? "build",
    inPlace: false,
    offline: opts.offline ?? false,
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

export interface FakeJob {
  run: FakeRun;
  /** What the step added to PATH and exported, in order, as the runner would apply it. */
  paths: string[];
  exported: Record<string, string>;
}

let jobCount = 0;

/**
 * A job of its own under `root` (HOME, RUNNER_TEMP and a workspace holding `files`) that
 * uses the tool cache `toolCache`, with what the action adds to PATH and exports recorded.
 */
export function fakeJob(
  action: BuiltinAction,
  opts: { root: string; toolCache: string; inputs: Record<string, string>; files?: Record<string, string>; env?: Record<string, string>; offline?: boolean },
): FakeJob {
  const dir = join(opts.root, `job-${++jobCount}`);
  for (const d of ["home", "temp", "work"]) mkdirSync(join(dir, d), { recursive: true });
  for (const [name, text] of Object.entries(opts.files ?? {})) writeFileSync(join(dir, "work", name), text);
  const run = fakeRun(action, {
    workspace: join(dir, "work"),
    stateDir: join(opts.root, "state"),
    inputs: opts.inputs,
    env: { PATH: "/usr/bin:/bin", HOME: join(dir, "home"), RUNNER_TOOL_CACHE: opts.toolCache, RUNNER_TEMP: join(dir, "temp"), RUNNER_OS: "Linux", ...opts.env },
    offline: opts.offline,
  });
  const job: FakeJob = { run, paths: [], exported: {} };
  run.addPath = (d) => job.paths.push(d);
  run.exportVariable = (name, value) => (job.exported[name] = value);
  return job;
}
