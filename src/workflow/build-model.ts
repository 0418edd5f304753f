// Builds the model from the YAML document. It runs after schema validation, so it
// can trust shapes the schema guarantees and only needs to be defensive elsewhere.
import { isMap, isScalar, isSeq, type Node } from "yaml";
import type {
  BranchTagPathFilters,
  Concurrency,
  InputDef,
  InputType,
  Job,
  Permissions,
  RunDefaults,
  SecretDef,
  Step,
  Strategy,
  Trigger,
  Workflow,
  WorkflowCallOutputDef,
  YamlValue,
} from "./model.js";
import { entries, get, items, posOf, resolve, scalarText, toStringList, toStringMap, toText, toValue, type YamlSource } from "./yaml-tree.js";

const FILTER_KEYS: Record<string, keyof BranchTagPathFilters> = {
  branches: "branches",
  "branches-ignore": "branchesIgnore",
  tags: "tags",
  "tags-ignore": "tagsIgnore",
  paths: "paths",
  "paths-ignore": "pathsIgnore",
  types: "types",
};

const INPUT_TYPES = new Set<InputType>(["string", "boolean", "choice", "number", "environment"]);

export function buildWorkflow(src: YamlSource, path: string): Workflow {
  const root = resolve(src, src.doc.contents);
  const fileName = path.slice(path.lastIndexOf("/") + 1);
  const name = toText(src, get(src, root, "name"));
  return {
    path,
    fileName,
    name: name && name.length > 0 ? name : path,
    runName: toText(src, get(src, root, "run-name")),
    triggers: buildTriggers(src, root),
    env: toStringMap(src, get(src, root, "env")),
    defaults: buildDefaults(src, get(src, root, "defaults")),
    permissions: buildPermissions(src, get(src, root, "permissions")),
    concurrency: buildConcurrency(src, get(src, root, "concurrency")),
    jobs: entries(src, get(src, root, "jobs")).map((e) => buildJob(src, e.key, e.keyNode, e.value)),
  };
}

function buildTriggers(src: YamlSource, root: Node | undefined): Trigger[] {
  const onNode = get(src, root, "on") ?? get(src, root, "true");
  const n = resolve(src, onNode);
  if (isScalar(n)) return [{ event: String(n.value), filters: {}, pos: posOf(src, n) }];
  if (isSeq(n)) return items(src, n).map((i) => ({ event: scalarText(toValue(src, i)), filters: {}, pos: posOf(src, i) }));
  return entries(src, n).map((e) => buildTrigger(src, e.key, e.keyNode, e.value));
}

function buildTrigger(src: YamlSource, event: string, keyNode: Node, value: Node | undefined): Trigger {
  const trigger: Trigger = { event, filters: {}, pos: posOf(src, keyNode) };
  if (event === "schedule") {
    trigger.crons = items(src, value)
      .map((i) => toText(src, get(src, i, "cron")))
      .filter((c): c is string => c !== undefined);
    return trigger;
  }
  for (const e of entries(src, value)) {
    const key = FILTER_KEYS[e.key];
    if (key) trigger.filters[key] = toStringList(src, e.value);
  }
  if (event === "workflow_dispatch" || event === "workflow_call") {
    trigger.inputs = entries(src, get(src, value, "inputs")).map((e) => buildInput(src, e.key, e.keyNode, e.value));
  }
  if (event === "workflow_call") {
    trigger.outputs = entries(src, get(src, value, "outputs")).map((e): WorkflowCallOutputDef => ({
      name: e.key,
      value: toText(src, get(src, e.value, "value")) ?? "",
      description: toText(src, get(src, e.value, "description")),
    }));
    trigger.secrets = entries(src, get(src, value, "secrets")).map((e): SecretDef => ({
      name: e.key,
      required: toValue(src, get(src, e.value, "required")) === true,
    }));
  }
  if (event === "workflow_run") trigger.workflows = toStringList(src, get(src, value, "workflows"));
  return trigger;
}

function buildInput(src: YamlSource, name: string, keyNode: Node, value: Node | undefined): InputDef {
  const declared = toText(src, get(src, value, "type"));
  const type: InputType = declared && INPUT_TYPES.has(declared as InputType) ? (declared as InputType) : "string";
  const def = toValue(src, get(src, value, "default"));
  const options = get(src, value, "options");
  return {
    name,
    type,
    description: toText(src, get(src, value, "description")),
    required: toValue(src, get(src, value, "required")) === true,
    default: typeof def === "string" || typeof def === "number" || typeof def === "boolean" ? def : undefined,
    options: options ? toStringList(src, options) : undefined,
    pos: posOf(src, keyNode),
  };
}

function buildDefaults(src: YamlSource, node: Node | undefined): RunDefaults | undefined {
  const run = get(src, node, "run");
  if (!run) return undefined;
  return { shell: toText(src, get(src, run, "shell")), workingDirectory: toText(src, get(src, run, "working-directory")) };
}

function buildPermissions(src: YamlSource, node: Node | undefined): Permissions | undefined {
  const n = resolve(src, node);
  if (n === undefined) return undefined;
  if (isScalar(n)) {
    const v = String(n.value);
    return v === "write-all" ? "write-all" : "read-all";
  }
  const out: Record<string, "read" | "write" | "none"> = {};
  for (const [k, v] of Object.entries(toStringMap(src, n))) {
    if (v === "read" || v === "write" || v === "none") out[k] = v;
  }
  return out;
}

function buildConcurrency(src: YamlSource, node: Node | undefined): Concurrency | undefined {
  const n = resolve(src, node);
  if (n === undefined) return undefined;
  if (isScalar(n)) return { group: scalarText(toValue(src, n)), cancelInProgress: false };
  const cancel = toValue(src, get(src, n, "cancel-in-progress"));
  return {
    group: toText(src, get(src, n, "group")) ?? "",
    cancelInProgress: typeof cancel === "boolean" ? cancel : cancel === null ? false : scalarText(cancel),
  };
}

/** A boolean or number field that may also be written as an expression. */
function flexible<T extends boolean | number>(value: YamlValue, fallback: T | undefined): T | string | undefined {
  if (value === null) return fallback;
  if (typeof value === "boolean" || typeof value === "number") return value as T;
  return scalarText(value);
}

function buildStrategy(src: YamlSource, node: Node | undefined): Strategy | undefined {
  const n = resolve(src, node);
  if (n === undefined) return undefined;
  if (!isMap(n)) return { failFast: true, matrix: scalarText(toValue(src, n)) };
  const matrixNode = resolve(src, get(src, n, "matrix"));
  const matrixValue = matrixNode === undefined ? undefined : toValue(src, matrixNode);
  let matrix: Strategy["matrix"];
  if (typeof matrixValue === "string") matrix = matrixValue;
  else if (matrixValue && typeof matrixValue === "object" && !Array.isArray(matrixValue)) matrix = matrixValue;
  return {
    matrix,
    failFast: flexible<boolean>(toValue(src, get(src, n, "fail-fast")), true) ?? true,
    maxParallel: flexible<number>(toValue(src, get(src, n, "max-parallel")), undefined),
  };
}

function buildJob(src: YamlSource, id: string, keyNode: Node, node: Node | undefined): Job {
  const secretsNode = resolve(src, get(src, node, "secrets"));
  let secrets: Job["secrets"];
  if (isScalar(secretsNode) && secretsNode.value === "inherit") secrets = "inherit";
  else if (secretsNode !== undefined) secrets = toStringMap(src, secretsNode);
  const withValue = toValue(src, get(src, node, "with"));
  return {
    id,
    name: toText(src, get(src, node, "name")),
    needs: toStringList(src, get(src, node, "needs")),
    if: toText(src, get(src, node, "if")),
    runsOn: get(src, node, "runs-on") === undefined ? undefined : toValue(src, get(src, node, "runs-on")),
    strategy: buildStrategy(src, get(src, node, "strategy")),
    env: toStringMap(src, get(src, node, "env")),
    ...envExpression(src, get(src, node, "env")),
    defaults: buildDefaults(src, get(src, node, "defaults")),
    permissions: buildPermissions(src, get(src, node, "permissions")),
    timeoutMinutes: flexible<number>(toValue(src, get(src, node, "timeout-minutes")), undefined),
    continueOnError: flexible<boolean>(toValue(src, get(src, node, "continue-on-error")), false) ?? false,
    concurrency: buildConcurrency(src, get(src, node, "concurrency")),
    outputs: toStringMap(src, get(src, node, "outputs")),
    environment: optionalValue(src, get(src, node, "environment")),
    container: optionalValue(src, get(src, node, "container")),
    services: optionalValue(src, get(src, node, "services")),
    steps: buildSteps(src, get(src, node, "steps")),
    uses: toText(src, get(src, node, "uses")),
    with: withValue && typeof withValue === "object" && !Array.isArray(withValue) ? withValue : {},
    secrets,
    pos: posOf(src, keyNode),
  };
}

/** `env: ${{ fromJSON(...) }}`: one expression that yields the whole mapping when the job or step starts. */
function envExpression(src: YamlSource, node: Node | undefined): { envExpression?: string } {
  const n = resolve(src, node);
  return isScalar(n) && typeof n.value === "string" && n.value.includes("${{") ? { envExpression: n.value } : {};
}

function optionalValue(src: YamlSource, node: Node | undefined): YamlValue | undefined {
  return node === undefined ? undefined : toValue(src, node);
}

/** Steps of a job or of a composite action, which share one syntax. */
export function buildSteps(src: YamlSource, node: Node | undefined): Step[] {
  return items(src, node).map((s, i) => buildStep(src, s, i));
}

function buildStep(src: YamlSource, node: Node, index: number): Step {
  return {
    index,
    id: toText(src, get(src, node, "id")),
    name: toText(src, get(src, node, "name")),
    if: toText(src, get(src, node, "if")),
    run: toText(src, get(src, node, "run")),
    uses: toText(src, get(src, node, "uses")),
    with: toStringMap(src, get(src, node, "with")),
    env: toStringMap(src, get(src, node, "env")),
    ...envExpression(src, get(src, node, "env")),
    shell: toText(src, get(src, node, "shell")),
    workingDirectory: toText(src, get(src, node, "working-directory")),
    continueOnError: flexible<boolean>(toValue(src, get(src, node, "continue-on-error")), false) ?? false,
    timeoutMinutes: flexible<number>(toValue(src, get(src, node, "timeout-minutes")), undefined),
    pos: posOf(src, node),
  };
}
