// Inputs of `workflow_dispatch` and `workflow_call` (and outputs of the latter): settings
// that contradict the input's type or leave an output without a value, which GitHub only
// notices when someone dispatches or calls the workflow.
import { isScalar, isSeq, type Node } from "yaml";
import { entries, get, items, resolve, toText, toValue } from "../yaml-tree.js";
import { hasExpression, type CheckContext } from "./context.js";

const RULE = "inputs";
const MAX_DISPATCH_INPUTS = 25;

export function checkInputs(ctx: CheckContext): void {
  for (const t of ctx.workflow.triggers) {
    if (t.event === "workflow_dispatch" && (t.inputs?.length ?? 0) > MAX_DISPATCH_INPUTS) {
      ctx.error(
        t.pos,
        RULE,
        `workflow_dispatch has ${t.inputs?.length} inputs; GitHub allows at most ${MAX_DISPATCH_INPUTS}`,
        "merge related inputs, e.g. into one JSON string input",
      );
    }
  }
  for (const event of ["workflow_dispatch", "workflow_call"] as const) {
    const inputs = get(ctx.src, get(ctx.src, ctx.on, event), "inputs");
    for (const input of entries(ctx.src, inputs)) checkInput(ctx, event, input.key, input.keyNode, input.value);
  }
  for (const output of entries(ctx.src, get(ctx.src, get(ctx.src, ctx.on, "workflow_call"), "outputs"))) {
    const value = resolve(ctx.src, get(ctx.src, output.value, "value"));
    if (isScalar(value) && (value.value === null || value.value === "")) {
      ctx.error(
        value,
        RULE,
        `workflow_call output '${output.key}' has an empty value, so callers always read ''`,
        `set it from a job output, e.g. value: \${{ jobs.<job>.outputs.${output.key} }}`,
      );
    }
  }
}

function checkInput(ctx: CheckContext, event: string, name: string, keyNode: Node, node: Node | undefined): void {
  const type = toText(ctx.src, get(ctx.src, node, "type")) ?? "string";
  const defaultNode = get(ctx.src, node, "default");
  const def = defaultNode === undefined ? undefined : toValue(ctx.src, defaultNode);
  const dynamic = typeof def === "string" && hasExpression(def);

  if (type === "choice") checkChoice(ctx, name, keyNode, node, defaultNode, dynamic);
  if (defaultNode !== undefined && def !== null && !dynamic) {
    if (type === "boolean" && typeof def !== "boolean" && def !== "true" && def !== "false") {
      ctx.error(
        defaultNode,
        RULE,
        `input '${name}' is a boolean, but its default ${JSON.stringify(def)} is neither true nor false`,
        "set the default to true or false",
      );
    }
    if (type === "number" && !isNumeric(def)) {
      ctx.error(
        defaultNode,
        RULE,
        `input '${name}' is a number, but its default ${JSON.stringify(def)} is not a number`,
        "set a numeric default, e.g. 10 or 2.5",
      );
    }
  }
  if (event === "workflow_call" && defaultNode !== undefined && toValue(ctx.src, get(ctx.src, node, "required")) === true) {
    ctx.warn(
      defaultNode,
      RULE,
      `input '${name}' is required, so its default is never used`,
      "drop `required: true` to make the default apply, or drop the default",
    );
  }
}

function isNumeric(value: unknown): boolean {
  if (typeof value === "number") return true;
  return typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value));
}

function checkChoice(ctx: CheckContext, name: string, keyNode: Node, node: Node | undefined, defaultNode: Node | undefined, dynamic: boolean): void {
  const optionsNode = resolve(ctx.src, get(ctx.src, node, "options"));
  if (optionsNode === undefined || (isSeq(optionsNode) && optionsNode.items.length === 0)) {
    ctx.error(optionsNode ?? keyNode, RULE, `choice input '${name}' has no options to choose from`, "list the allowed values under `options:`");
    return;
  }
  if (!isSeq(optionsNode)) return;
  const seen = new Set<string>();
  for (const item of items(ctx.src, optionsNode)) {
    const option = toText(ctx.src, item) ?? "";
    if (option === "") ctx.warn(item, RULE, `choice input '${name}' offers an empty option`, "remove the empty option, or make the input optional instead");
    else if (seen.has(option)) ctx.warn(item, RULE, `choice input '${name}' lists option '${option}' twice`, "remove the duplicate option");
    seen.add(option);
  }
  const def = defaultNode === undefined ? undefined : toText(ctx.src, defaultNode);
  if (def !== undefined && def !== "" && !dynamic && !seen.has(def)) {
    ctx.error(
      defaultNode,
      RULE,
      `the default '${def}' of choice input '${name}' is not one of its options (${[...seen].map((o) => `'${o}'`).join(", ")})`,
      "set the default to one of the options, or add it to them",
    );
  }
}
