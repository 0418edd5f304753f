// A deliberately small static typing of expressions: only what the file itself fixes
// (literals, fromJSON of a literal, the shape of contexts, matrix values written out).
// Anything else is "any", which never produces a diagnostic.
import { data } from "@actions/expressions";
import { Binary, ContextAccess, FunctionCall, Grouping, IndexAccess, Literal, Logical, Star, Unary, type Expr } from "@actions/expressions/ast";

export type Kind = "any" | "null" | "boolean" | "number" | "string" | "object" | "array";

export interface Type {
  kind: Kind;
}

const ANY: Type = { kind: "any" };
const of = (kind: Kind): Type => ({ kind });

export function isComposite(t: Type): boolean {
  return t.kind === "object" || t.kind === "array";
}

export function isPrimitive(t: Type): boolean {
  return t.kind === "boolean" || t.kind === "number" || t.kind === "string";
}

/** The common type of several values: their kind when they agree, else any. */
export function unionOf(types: Type[]): Type {
  const first = types[0];
  if (first === undefined) return ANY;
  return types.every((t) => t.kind === first.kind) ? first : ANY;
}

export function typeOfJson(value: unknown): Type {
  if (value === null) return of("null");
  if (Array.isArray(value)) return of("array");
  switch (typeof value) {
    case "boolean":
      return of("boolean");
    case "number":
      return of("number");
    case "string":
      return of("string");
    case "object":
      return of("object");
  }
  return ANY;
}

/**
 * A property path `a.b['c'].*[0]`: each segment a lower-cased name, `*` for the object filter
 * or a numeric index (any element), or null where the index is computed.
 */
export type Path = (string | null)[];

export function pathOf(node: Expr): Path | undefined {
  if (node instanceof ContextAccess) return [node.name.lexeme.toLowerCase()];
  if (!(node instanceof IndexAccess)) return undefined;
  const base = pathOf(node.expr);
  if (base === undefined) return undefined;
  const index = node.index;
  let segment: string | null = null;
  if (index instanceof Star) segment = "*";
  else if (index instanceof Literal && index.literal.kind === data.Kind.String) segment = index.literal.coerceString().toLowerCase();
  else if (index instanceof Literal && index.literal.kind === data.Kind.Number) segment = "*";
  return [...base, segment];
}

export function endsWithStar(node: Expr): boolean {
  return node instanceof IndexAccess && node.index instanceof Star;
}

export interface TypeScope {
  /** The type of `matrix.<key>`, or undefined when unknown. */
  matrixKey(key: string): Type | undefined;
}

const CONTEXT_OBJECTS = new Set(["github", "env", "vars", "secrets", "inputs", "matrix", "strategy", "needs", "steps", "runner", "job", "jobs"]);
const COMPARISONS = new Set(["==", "!=", "<", "<=", ">", ">="]);

export function isComparison(node: Expr): node is Binary {
  return node instanceof Binary && COMPARISONS.has(node.operator.lexeme);
}

/** JSON text that is cut short: no lenient reading can fix unbalanced quotes or brackets. */
export function brokenJson(text: string): boolean {
  try {
    JSON.parse(text);
    return false;
  } catch {
    if (text.trim() === "") return true;
    let depth = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (inString) {
        if (ch === "\\") i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === "{" || ch === "[") depth++;
      else if (ch === "}" || ch === "]") depth--;
    }
    return inString || depth !== 0;
  }
}

function typeOfPath(path: Path, scope: TypeScope): Type {
  const [root, first, second, third] = path;
  if (path.length === 1) return root !== null && root !== undefined && CONTEXT_OBJECTS.has(root) ? of("object") : ANY;
  switch (root) {
    case "vars":
    case "secrets":
    case "env":
      return path.length === 2 ? of("string") : ANY;
    case "matrix":
      return path.length === 2 && first ? (scope.matrixKey(first) ?? ANY) : ANY;
    case "steps":
    case "needs":
      if (path.length === 2) return of("object");
      if (second === "outputs") return path.length === 3 ? of("object") : path.length === 4 && third !== null ? of("string") : ANY;
      return path.length === 3 && second !== null ? of("string") : ANY;
    case "github":
      return path.length === 2 && first === "event" ? of("object") : ANY;
  }
  return ANY;
}

export function typeOf(node: Expr, scope: TypeScope): Type {
  if (node instanceof Literal) {
    switch (node.literal.kind) {
      case data.Kind.Null:
        return of("null");
      case data.Kind.Boolean:
        return of("boolean");
      case data.Kind.Number:
        return of("number");
      case data.Kind.String:
        return of("string");
    }
    return ANY;
  }
  if (node instanceof Grouping) return typeOf(node.group, scope);
  if (node instanceof Unary) return of("boolean");
  if (isComparison(node)) return of("boolean");
  if (node instanceof Logical) return ANY;
  if (endsWithStar(node)) return of("array");
  if (node instanceof ContextAccess || node instanceof IndexAccess) {
    const path = pathOf(node);
    return path === undefined || path.includes(null) || path.includes("*") ? ANY : typeOfPath(path, scope);
  }
  if (node instanceof FunctionCall) {
    const name = node.functionName.lexeme.toLowerCase();
    const arg = node.args[0];
    if (name === "fromjson" && arg instanceof Literal && arg.literal.kind === data.Kind.String) {
      try {
        return typeOfJson(JSON.parse(arg.literal.coerceString()));
      } catch {
        return ANY;
      }
    }
    if (name === "tojson" || name === "format" || name === "join" || name === "hashfiles") return of("string");
    if (["contains", "startswith", "endswith", "success", "failure", "cancelled", "always"].includes(name)) return of("boolean");
  }
  return ANY;
}
