// Lexing and parsing with @actions/expressions, with errors turned into ExpressionEvalError and
// token positions turned into offsets inside the expression text.
import { ExpressionError, Lexer, Parser, wellKnownFunctions } from "@actions/expressions";
import { Binary, FunctionCall, Grouping, IndexAccess, Logical, Unary, type Expr } from "@actions/expressions/ast";
import type { FunctionInfo } from "@actions/expressions/funcs/info";
import type { Token } from "@actions/expressions/lexer";
import { ExpressionEvalError } from "./errors.js";

export interface Lexed {
  tokens: Token[];
  /** Offset inside the expression of a token, keyed by its range.start (the object an ExpressionError carries as pos). */
  offsets: Map<object, number>;
}

export function lex(expr: string): Lexed {
  let tokens: Token[];
  try {
    tokens = new Lexer(expr).lex().tokens;
  } catch (e) {
    const message = (e as Error).message;
    const position = /Located at position (\d+)/.exec(message);
    throw new ExpressionEvalError(message, "lexing", expr, position ? Number(position[1]) - 1 : 0, { cause: e });
  }
  // The lexer reports line and column, and miscounts lines inside multi-line strings. Tokens are
  // exact substrings separated only by the whitespace the lexer skips, so replaying them gives offsets.
  const offsets = new Map<object, number>();
  let at = 0;
  for (const token of tokens) {
    while (at < expr.length && " \t\r\n".includes(expr.charAt(at))) at++;
    offsets.set(token.range.start, at);
    at += token.lexeme.length;
  }
  return { tokens, offsets };
}

/** Parses an expression; undefined for an empty one. Unknown contexts or functions are parse errors, as on GitHub. */
export function parse(expr: string, contexts: string[], functions: FunctionInfo[]): Expr | undefined {
  const { tokens, offsets } = lex(expr);
  return parseTokens(expr, tokens, offsets, contexts, functions);
}

export function parseTokens(expr: string, tokens: Token[], offsets: Map<object, number>, contexts: string[], functions: FunctionInfo[]): Expr | undefined {
  let tree: Expr | undefined;
  try {
    tree = new Parser(tokens, contexts, functions).parse() as Expr | undefined;
  } catch (e) {
    if (!(e instanceof ExpressionError)) throw e;
    const offset = offsets.get(e.pos) ?? 0;
    throw new ExpressionEvalError(located(e.message, offset, expr), "parsing", expr, offset, { cause: e });
  }
  // The library finds built-in functions by indexing a plain object, so `constructor()` would
  // pass as a function inherited from Object.prototype.
  const extensions = new Set(functions.map((f) => f.name.toLowerCase()));
  for (const node of tree ? nodes(tree) : []) {
    if (!(node instanceof FunctionCall)) continue;
    const name = node.functionName.lexeme.toLowerCase();
    if (Object.hasOwn(wellKnownFunctions, name) || extensions.has(name)) continue;
    const offset = offsets.get(node.functionName.range.start) ?? 0;
    const message = located(`Unrecognized function: '${node.functionName.lexeme}'`, offset, expr);
    throw new ExpressionEvalError(message, "parsing", expr, offset);
  }
  return tree;
}

/** A message in GitHub's words for where in the expression it applies. */
export function located(message: string, offset: number, expr: string): string {
  return `${message}. Located at position ${offset + 1} within expression: ${expr}`;
}

/** Every node of a parsed expression, parents before children. */
export function nodes(root: Expr): Expr[] {
  const all: Expr[] = [];
  const visit = (node: Expr) => {
    all.push(node);
    if (node instanceof FunctionCall || node instanceof Logical) node.args.forEach(visit);
    else if (node instanceof Binary) [node.left, node.right].forEach(visit);
    else if (node instanceof Unary) visit(node.expr);
    else if (node instanceof Grouping) visit(node.group);
    else if (node instanceof IndexAccess) [node.expr, node.index].forEach(visit);
  };
  visit(root);
  return all;
}
