// Which secrets a piece of a workflow names. GitHub sends a job only the secrets its
// expressions reference; tierci does the same, so a job cannot print a secret it never asked for.
import { data } from "@actions/expressions";
import { ContextAccess, IndexAccess, Literal } from "@actions/expressions/ast";
import { TokenType } from "@actions/expressions/lexer";
import { lex, nodes, parseTokens } from "./parse.js";
import { findExpressions } from "./template.js";

export interface SecretReferences {
  /** The secrets context is used as a whole (toJSON(secrets), secrets[matrix.name], ...): every secret. */
  all: boolean;
  /** Upper-cased: secret names are case-insensitive. */
  names: Set<string>;
}

function addExpression(expr: string, refs: SecretReferences): void {
  const { tokens, offsets } = lex(expr);
  // Every identifier is accepted as a context or function: only the shape of the expression matters here.
  const identifiers = tokens.filter((t) => t.type === TokenType.IDENTIFIER).map((t) => t.lexeme);
  const functions = identifiers.map((name) => ({ name, minArgs: 0, maxArgs: Number.MAX_SAFE_INTEGER }));
  const tree = parseTokens(expr, tokens, offsets, identifiers, functions);
  if (!tree) return;
  const named = new Set<ContextAccess>();
  for (const node of nodes(tree)) {
    if (!(node instanceof IndexAccess && node.expr instanceof ContextAccess && node.index instanceof Literal)) continue;
    const key = node.index.literal;
    if (node.expr.name.lexeme.toLowerCase() !== "secrets" || key.kind !== data.Kind.String) continue;
    refs.names.add(key.value.toUpperCase());
    named.add(node.expr);
  }
  for (const node of nodes(tree)) {
    if (node instanceof ContextAccess && node.name.lexeme.toLowerCase() === "secrets" && !named.has(node)) refs.all = true;
  }
}

/** The secrets that the `${{ }}` expressions in these texts reference. */
export function secretReferences(texts: Iterable<string>): SecretReferences {
  const refs: SecretReferences = { all: false, names: new Set() };
  for (const text of texts) {
    if (!text.includes("${{") || !/secrets/i.test(text)) continue;
    const found = findExpressions(text);
    if ("error" in found) {
      refs.all = true;
      continue;
    }
    for (const span of found) {
      try {
        addExpression(span.expr, refs);
      } catch {
        // An expression that does not parse fails where it is used; here it may still name any secret.
        if (/secrets/i.test(span.expr)) refs.all = true;
      }
    }
  }
  return refs;
}

/** Every string inside a value (a job's model, say), however deeply nested. */
export function* stringsIn(value: unknown): Generator<string> {
  if (typeof value === "string") yield value;
  else if (Array.isArray(value)) for (const item of value) yield* stringsIn(item);
  else if (typeof value === "object" && value !== null) for (const item of Object.values(value)) yield* stringsIn(item);
}

/** The given secrets narrowed to the referenced ones. */
export function referencedSecrets(secrets: Record<string, string>, refs: SecretReferences): Record<string, string> {
  if (refs.all) return secrets;
  return Object.fromEntries(Object.entries(secrets).filter(([name]) => refs.names.has(name.toUpperCase())));
}
