// `if:` conditions whose outcome is fixed by how they are written. Text around `${{ }}`
// turns the condition into a string template, and a non-empty string is always true, so
// `if: ${{ false }} && ${{ false }}` runs the step: an error. A condition with no context
// or status function in it is merely constant, which is legitimate (`if: false` to disable
// a step), so that is only a warning.
import { isScalar, type Node } from "yaml";
import { ContextAccess, FunctionCall } from "@actions/expressions/ast";
import { get, items, resolve, toText } from "../yaml-tree.js";
import type { CheckContext } from "./context.js";
import { parseExpression, scanExpressions, walkExpression } from "./expr.js";

const RULE = "if-condition";
const DYNAMIC_FUNCTIONS = new Set(["success", "failure", "cancelled", "always", "hashfiles"]);

function conditionNodes(ctx: CheckContext): Node[] {
  const out: Node[] = [];
  const add = (node: Node | undefined): void => {
    const n = resolve(ctx.src, node);
    if (isScalar(n) && n.value !== null) out.push(n);
  };
  for (const job of ctx.jobs) {
    add(get(ctx.src, job.node, "if"));
    add(get(ctx.src, get(ctx.src, job.node, "snapshot"), "if"));
    for (const step of items(ctx.src, get(ctx.src, job.node, "steps"))) add(get(ctx.src, step, "if"));
  }
  return out;
}

/** Whether the expression's value is the same on every run. */
function isConstant(text: string): boolean {
  const expr = parseExpression(text);
  if (expr === undefined) return false;
  let dynamic = false;
  walkExpression(expr, (n) => {
    if (n instanceof ContextAccess) dynamic = true;
    if (n instanceof FunctionCall && DYNAMIC_FUNCTIONS.has(n.functionName.lexeme.toLowerCase())) dynamic = true;
  });
  return !dynamic;
}

export function checkConditions(ctx: CheckContext): void {
  for (const node of conditionNodes(ctx)) {
    const text = toText(ctx.src, node) ?? "";
    const found = scanExpressions(text);
    if (found.length > 0) {
      let outside = text;
      for (const f of [...found].reverse()) outside = outside.slice(0, f.start) + outside.slice(f.end);
      if (outside !== "") {
        ctx.error(
          node,
          RULE,
          `the condition ${JSON.stringify(text)} has text outside \${{ }}, so GitHub reads it as a non-empty string and it is always true`,
          "write the whole condition inside one ${{ }} (or without ${{ }} at all), with nothing before or after it",
        );
        continue;
      }
      if (found.length > 1) continue;
    }
    const inner = found.length === 1 ? (found[0]?.inner ?? "") : text;
    if (inner.trim() !== "" && isConstant(inner)) {
      ctx.warn(
        node,
        RULE,
        `the condition '${inner.trim()}' does not depend on anything, so it is always the same`,
        "remove the if: if the step should always run, or base it on a context",
      );
    }
  }
}
