// The functions GitHub's runner adds to the expression language: hashFiles and the status functions.
import { data } from "@actions/expressions";
import type { FunctionDefinition, FunctionInfo } from "@actions/expressions/funcs/info";
import { hashFiles } from "./hash-files.js";

/** What success()/failure()/cancelled() return at this point. */
export interface JobStatusView {
  success: boolean;
  failure: boolean;
  cancelled: boolean;
}

export interface EvalOptions {
  /** Directory hashFiles() globs from (GITHUB_WORKSPACE). Without it, hashFiles is an error. */
  workspace?: string;
  /** Status functions' answers. Default: success() true, failure() false, cancelled() false. */
  status?: JobStatusView;
}

export const DEFAULT_STATUS: JobStatusView = { success: true, failure: false, cancelled: false };

export const STATUS_FUNCTIONS = ["success", "failure", "cancelled", "always"];

// The runner's limit: at most byte.MaxValue arguments.
const HASH_FILES: FunctionInfo = { name: "hashFiles", minArgs: 1, maxArgs: 255 };

export const EXTENSION_FUNCTIONS: FunctionInfo[] = [HASH_FILES, ...STATUS_FUNCTIONS.map((name) => ({ name, minArgs: 0, maxArgs: 0 }))];

/** Implementations for the Evaluator, keyed by lower-case name as it looks them up. */
export function extensionDefinitions(options: EvalOptions): Map<string, FunctionDefinition> {
  const status = options.status ?? DEFAULT_STATUS;
  const answers: [string, boolean][] = [
    ["success", status.success],
    ["failure", status.failure],
    ["cancelled", status.cancelled],
    ["always", true],
  ];
  const definitions = new Map<string, FunctionDefinition>();
  for (const [name, answer] of answers) {
    definitions.set(name, { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(answer) });
  }
  definitions.set("hashfiles", { ...HASH_FILES, call: (...args) => callHashFiles(options.workspace, args) });
  return definitions;
}

function callHashFiles(workspace: string | undefined, args: data.ExpressionData[]): data.ExpressionData {
  if (workspace === undefined) throw new Error("hashFiles() is not available here: there is no workspace to hash files in");
  return new data.StringData(
    hashFiles(
      workspace,
      args.map((a) => a.coerceString()),
    ),
  );
}
