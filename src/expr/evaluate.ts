// Expression evaluation for workflows: GitHub's own parser and evaluator (@actions/expressions),
// plus the runner's extension functions, `${{ }}` interpolation and `if:` semantics.
import { Evaluator, data } from "@actions/expressions";
import { ContextAccess, FunctionCall, type Expr } from "@actions/expressions/ast";
import { truthy } from "@actions/expressions/result";
import { ExpressionEvalError } from "./errors.js";
import { DEFAULT_STATUS, EXTENSION_FUNCTIONS, STATUS_FUNCTIONS, extensionDefinitions, type EvalOptions } from "./functions.js";
import { nodes, parse } from "./parse.js";
import { findExpressions, templateExpression, type ExpressionSpan } from "./template.js";
import { dataToText, fromData, toData, type ExprContexts, type ExprValue } from "./value.js";

export { checkExpression, type ExpressionProblem } from "./check.js";
export { ExpressionEvalError, type ExprErrorKind } from "./errors.js";
export type { EvalOptions, JobStatusView } from "./functions.js";
export { findExpressions, type ExpressionSpan, type TemplateError } from "./template.js";
export type { ExprContexts, ExprValue } from "./value.js";

/** Evaluates one expression, written without `${{ }}`. The contexts given are the named-values it may use. */
export function evaluateExpression(expr: string, contexts: ExprContexts, options: EvalOptions = {}): ExprValue {
  return fromData(run(expr, compile(expr, contexts), contexts, options));
}

/**
 * Replaces every `${{ }}` in a text by its value as text: null as '', booleans as true/false, numbers
 * as GitHub formats them, objects and arrays as toJSON prints them.
 */
export function interpolate(text: string, contexts: ExprContexts, options: EvalOptions = {}): string {
  let out = "";
  let at = 0;
  for (const span of spans(text)) {
    out += text.slice(at, span.start) + dataToText(run(span.expr, compile(span.expr, contexts), contexts, options));
    at = span.end;
  }
  return out + text.slice(at);
}

/** The typed value when the whole (trimmed) text is one `${{ }}`, else the interpolated text. */
export function evaluateValue(text: string, contexts: ExprContexts, options: EvalOptions = {}): ExprValue {
  const trimmed = text.trim();
  const [only, ...more] = spans(trimmed);
  if (only && more.length === 0 && only.start === 0 && only.end === trimmed.length) {
    return evaluateExpression(only.expr, contexts, options);
  }
  return interpolate(text, contexts, options);
}

/**
 * An `if:` condition, with or without `${{ }}`. As on GitHub, one without a status function
 * (success, failure, cancelled, always) means `success() && (condition)`; an empty one, success().
 * Text mixing literal parts and `${{ }}` becomes a format() call, which is truthy unless empty.
 */
export function evaluateCondition(text: string | undefined, contexts: ExprContexts, options: EvalOptions = {}): boolean {
  const status = options.status ?? DEFAULT_STATUS;
  const trimmed = (text ?? "").trim();
  const expr = templateExpression(trimmed, spans(trimmed));
  if (!expr) return status.success;
  const tree = compile(expr, contexts);
  const hasStatusFunction = tree ? nodes(tree).some((n) => n instanceof FunctionCall && STATUS_FUNCTIONS.includes(n.functionName.lexeme.toLowerCase())) : false;
  if (!hasStatusFunction && !status.success) return false;
  return truthy(run(expr, tree, contexts, options));
}

function spans(text: string): ExpressionSpan[] {
  const found = findExpressions(text);
  if ("error" in found) throw new ExpressionEvalError(found.error, "parsing", text, found.offset);
  return found;
}

function compile(expr: string, contexts: ExprContexts): Expr | undefined {
  return parse(expr, Object.keys(contexts), EXTENSION_FUNCTIONS);
}

function run(expr: string, tree: Expr | undefined, contexts: ExprContexts, options: EvalOptions): data.ExpressionData {
  if (!tree) return new data.Null();
  // Only the contexts the expression names are converted: github.event alone can be large.
  const byName = new Map<string, ExprValue>();
  for (const [name, value] of Object.entries(contexts)) {
    if (!byName.has(name.toLowerCase())) byName.set(name.toLowerCase(), value);
  }
  const root = new data.Dictionary();
  for (const node of nodes(tree)) {
    if (node instanceof ContextAccess && root.get(node.name.lexeme) === undefined) {
      root.add(node.name.lexeme, toData(byName.get(node.name.lexeme.toLowerCase()) ?? null));
    }
  }
  try {
    return new Evaluator(tree, root, extensionDefinitions(options)).evaluate();
  } catch (e) {
    throw new ExpressionEvalError(`${(e as Error).message}. Located within expression: ${expr}`, "evaluation", expr, undefined, {
      cause: e,
    });
  }
}
