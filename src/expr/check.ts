// Parse-only checking for lint: every unknown named-value and function, not just the first.
import { wellKnownFunctions } from "@actions/expressions";
import { ContextAccess, FunctionCall } from "@actions/expressions/ast";
import type { FunctionInfo } from "@actions/expressions/funcs/info";
import { TokenType } from "@actions/expressions/lexer";
import { ExpressionEvalError } from "./errors.js";
import { EXTENSION_FUNCTIONS } from "./functions.js";
import { lex, located, nodes, parseTokens } from "./parse.js";

export interface ExpressionProblem {
  message: string;
  /** Offset inside the expression. */
  offset: number;
}

/**
 * Checks an expression (without `${{ }}`) against the contexts available where it appears.
 * Entries of allowedContexts written as GitHub's schema writes functions, `name(min,max)`, list the
 * extension functions allowed there; with none, all of tierci's (hashFiles and the status functions) are.
 */
export function checkExpression(expr: string, allowedContexts: string[]): ExpressionProblem[] {
  const contexts = new Set<string>();
  const listed: FunctionInfo[] = [];
  for (const entry of allowedContexts) {
    const fn = /^([A-Za-z_][\w-]*)\((\d+),(\d+)\)$/.exec(entry.replace(/\s/g, ""));
    if (fn) listed.push({ name: fn[1] as string, minArgs: Number(fn[2]), maxArgs: Number(fn[3]) });
    else contexts.add(entry.toLowerCase());
  }
  const functions = listed.length > 0 ? listed : EXTENSION_FUNCTIONS;
  const extensions = new Set(functions.map((f) => f.name.toLowerCase()));
  const isKnownFunction = (name: string) => Object.hasOwn(wellKnownFunctions, name.toLowerCase()) || extensions.has(name.toLowerCase());
  try {
    const { tokens, offsets } = lex(expr);
    // Parse with every name accepted, so that the first unknown one does not hide the rest.
    const identifiers = tokens.filter((t) => t.type === TokenType.IDENTIFIER).map((t) => t.lexeme);
    const unknownFunctions = identifiers.filter((name) => !isKnownFunction(name)).map((name) => ({ name, minArgs: 0, maxArgs: Number.MAX_SAFE_INTEGER }));
    const tree = parseTokens(expr, tokens, offsets, identifiers, [...functions, ...unknownFunctions]);
    if (!tree) return [];
    const problems: ExpressionProblem[] = [];
    for (const node of nodes(tree)) {
      const unknown =
        node instanceof ContextAccess && !contexts.has(node.name.lexeme.toLowerCase())
          ? { what: "Unrecognized named-value", token: node.name }
          : node instanceof FunctionCall && !isKnownFunction(node.functionName.lexeme)
            ? { what: "Unrecognized function", token: node.functionName }
            : undefined;
      if (!unknown) continue;
      const offset = offsets.get(unknown.token.range.start) ?? 0;
      problems.push({ message: located(`${unknown.what}: '${unknown.token.lexeme}'`, offset, expr), offset });
    }
    return problems.sort((a, b) => a.offset - b.offset);
  } catch (e) {
    if (e instanceof ExpressionEvalError) return [{ message: e.message, offset: e.offset ?? 0 }];
    throw e;
  }
}
