// Reads an action's metadata file (action.yml / action.yaml).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { buildSteps } from "../workflow/build-model.js";
import type { Step } from "../workflow/model.js";
import { entries, get, parseYamlSource, resolve, scalarText, toStringList, toStringMap, toText, toValue } from "../workflow/yaml-tree.js";

export interface ActionInput {
  name: string;
  required: boolean;
  default?: string;
  deprecationMessage?: string;
}

export interface ActionOutput {
  name: string;
  /** Composite actions map outputs to step outputs with an expression. */
  value?: string;
}

export type ActionRuns =
  | { using: "composite"; steps: Step[] }
  | { using: "node"; version: string; main: string; pre?: string; post?: string; preIf?: string; postIf?: string }
  | { using: "docker"; image: string; args: string[]; env: Record<string, string> };

export interface ActionDefinition {
  /** The metadata file's path. */
  file: string;
  name: string;
  inputs: ActionInput[];
  outputs: ActionOutput[];
  runs: ActionRuns;
}

export class ActionFileError extends Error {}

export function findActionFile(dir: string): string | undefined {
  for (const name of ["action.yml", "action.yaml"]) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  return undefined;
}

export async function readActionFile(file: string): Promise<ActionDefinition> {
  const src = parseYamlSource(file, await readFile(file, "utf8"));
  if (src.doc.errors.length > 0) {
    const e = src.doc.errors[0];
    const p = e?.linePos?.[0];
    throw new ActionFileError(`${file}:${p?.line ?? 1}:${p?.col ?? 1}: ${e?.message ?? "invalid YAML"}`);
  }
  const root = resolve(src, src.doc.contents);
  const runsNode = get(src, root, "runs");
  if (runsNode === undefined) throw new ActionFileError(`${file}: the action has no 'runs:' section`);
  const using = (toText(src, get(src, runsNode, "using")) ?? "").toLowerCase();
  let runs: ActionRuns;
  if (using === "composite") {
    const stepsNode = get(src, runsNode, "steps");
    if (stepsNode === undefined) throw new ActionFileError(`${file}: a composite action needs 'runs.steps'`);
    runs = { using: "composite", steps: buildSteps(src, stepsNode) };
  } else if (/^node\d+$/.test(using)) {
    const main = toText(src, get(src, runsNode, "main"));
    if (!main) throw new ActionFileError(`${file}: a ${using} action needs 'runs.main'`);
    runs = {
      using: "node",
      version: using,
      main,
      pre: toText(src, get(src, runsNode, "pre")),
      post: toText(src, get(src, runsNode, "post")),
      preIf: toText(src, get(src, runsNode, "pre-if")),
      postIf: toText(src, get(src, runsNode, "post-if")),
    };
  } else if (using === "docker") {
    runs = {
      using: "docker",
      image: toText(src, get(src, runsNode, "image")) ?? "",
      args: toStringList(src, get(src, runsNode, "args")),
      env: toStringMap(src, get(src, runsNode, "env")),
    };
  } else {
    throw new ActionFileError(`${file}: unsupported 'runs.using: ${using}'; expected composite, node12/16/20/24 or docker`);
  }
  return {
    file,
    name: toText(src, get(src, root, "name")) ?? file,
    inputs: entries(src, get(src, root, "inputs")).map((e) => {
      const def = get(src, e.value, "default");
      return {
        name: e.key,
        required: toValue(src, get(src, e.value, "required")) === true,
        default: def === undefined ? undefined : scalarText(toValue(src, def)),
        deprecationMessage: toText(src, get(src, e.value, "deprecationMessage")),
      };
    }),
    outputs: entries(src, get(src, root, "outputs")).map((e) => ({ name: e.key, value: toText(src, get(src, e.value, "value")) })),
    runs,
  };
}
