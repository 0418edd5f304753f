// Finding and parsing `${{ }}` inside workflow strings for the rules that look at what an
// expression says. Syntax errors are the schema check's to report; here they just mean "skip".
import { Lexer, Parser } from "@actions/expressions";
import { Binary, FunctionCall, Grouping, IndexAccess, Logical, Unary, type Expr } from "@actions/expressions/ast";
import type { FunctionInfo } from "@actions/expressions/funcs/info";

export interface Found {
  /** The text between `${{` and `}}`. */
  inner: string;
  /** Offset of `${{` in the scanned text. */
  start: number;
  /** Offset just past `}}`. */
  end: number;
}

/** The `${{ }}` spans of a string, with `}}` inside a quoted literal not ending one, as GitHub reads them. */
export function scanExpressions(text: string): Found[] {
  const out: Found[] = [];
  let at = text.indexOf("${{");
  while (at >= 0) {
    let inString = false;
    let end = -1;
    for (let i = at + 3; i < text.length; i++) {
      if (text[i] === "'") inString = !inString;
      else if (!inString && text[i] === "}" && text[i - 1] === "}" && i - 1 > at + 2) {
        end = i + 1;
        break;
      }
    }
    if (end < 0) break;
    out.push({ inner: text.slice(at + 3, end - 2), start: at, end });
    at = text.indexOf("${{", end);
  }
  return out;
}

const CONTEXTS = ["github", "env", "vars", "secrets", "inputs", "matrix", "strategy", "needs", "steps", "runner", "job", "jobs"];
const FUNCTIONS: FunctionInfo[] = [
  { name: "success", minArgs: 0, maxArgs: 0 },
  { name: "failure", minArgs: 0, maxArgs: 0 },
  { name: "cancelled", minArgs: 0, maxArgs: 0 },
  { name: "always", minArgs: 0, maxArgs: 0 },
  { name: "hashFiles", minArgs: 1, maxArgs: 255 },
];

const cache = new Map<string, Expr | undefined>();

export function parseExpression(text: string): Expr | undefined {
  if (cache.has(text)) return cache.get(text);
  let parsed: Expr | undefined;
  try {
    parsed = new Parser(new Lexer(text).lex().tokens, CONTEXTS, FUNCTIONS).parse() as Expr | undefined;
  } catch {
    parsed = undefined;
  }
  cache.set(text, parsed);
  return parsed;
}

export function childrenOf(node: Expr): Expr[] {
  if (node instanceof FunctionCall || node instanceof Logical) return node.args;
  if (node instanceof Binary) return [node.left, node.right];
  if (node instanceof Unary) return [node.expr];
  if (node instanceof Grouping) return [node.group];
  if (node instanceof IndexAccess) return [node.expr, node.index];
  return [];
}

export function walkExpression(node: Expr, visit: (node: Expr) => void): void {
  visit(node);
  for (const child of childrenOf(node)) walkExpression(child, visit);
}
