// tiers.yml's `reuse:`: which jobs may take the result of an earlier success whose inputs were
// byte-identical instead of running. Off unless asked for, per workflow file or per job:
//   reuse: exact                      every job
//   reuse: {unit-tests.yml: exact, lint.yml: {lint: exact, mypy: off}}
import { isMap, isScalar, type Node } from "yaml";
import { entries, resolve, scalarText, toValue, type YamlSource } from "./yaml-tree.js";

export type ReuseMode = "exact" | "off";

export interface ReusePolicy {
  /** `reuse: exact` for everything, or the default where a workflow is not named. */
  all: ReuseMode;
  /** By workflow file name: one mode for all its jobs, or one per job id (others off). */
  workflows: Record<string, ReuseMode | Record<string, ReuseMode>>;
}

export const NO_REUSE: ReusePolicy = { all: "off", workflows: {} };

const HINT = "write `reuse: exact`, or `reuse: {ci.yml: exact}`, or `reuse: {ci.yml: {test: exact}}`; modes are exact and off";

function mode(text: string): ReuseMode | undefined {
  return text === "exact" || text === "off" ? text : undefined;
}

/** Reads `reuse:`; `error` reports a problem at a node. Workflow names must be among `workflowFiles`. */
export function readReusePolicy(
  src: YamlSource,
  node: Node | undefined,
  workflowFiles: readonly string[],
  error: (node: unknown, message: string, hint: string) => void,
): ReusePolicy {
  const n = resolve(src, node);
  if (isScalar(n)) {
    const m = mode(scalarText(toValue(src, n)));
    if (m === undefined) error(n, `unknown reuse mode '${scalarText(toValue(src, n))}'`, HINT);
    return { all: m ?? "off", workflows: {} };
  }
  if (!isMap(n)) {
    error(n, "`reuse:` must be a mode or a mapping of workflow files", HINT);
    return NO_REUSE;
  }
  const known = new Set(workflowFiles);
  const workflows: ReusePolicy["workflows"] = {};
  for (const e of entries(src, n)) {
    const file = e.key.replace(/^\.github\/workflows\//, "");
    if (!known.has(file)) {
      error(e.keyNode, `reuse names unknown workflow '${file}'`, `use a file name from .github/workflows (found: ${workflowFiles.join(", ") || "none"})`);
      continue;
    }
    const value = resolve(src, e.value);
    if (isMap(value)) {
      const jobs: Record<string, ReuseMode> = {};
      for (const j of entries(src, value)) {
        const m = mode(scalarText(toValue(src, j.value)));
        if (m === undefined) error(j.value, `unknown reuse mode for job '${j.key}' of ${file}`, HINT);
        else jobs[j.key] = m;
      }
      workflows[file] = jobs;
      continue;
    }
    const m = mode(scalarText(toValue(src, value)));
    if (m === undefined) error(value, `unknown reuse mode for ${file}`, HINT);
    else workflows[file] = m;
  }
  return { all: "off", workflows };
}

/** Whether a job (by its workflow's file name and its id) opted in. */
export function reuseWanted(policy: ReusePolicy, workflowFile: string, jobId: string): boolean {
  const entry = policy.workflows[workflowFile];
  if (entry === undefined) return policy.all === "exact";
  if (typeof entry === "string") return entry === "exact";
  return entry[jobId] === "exact";
}
