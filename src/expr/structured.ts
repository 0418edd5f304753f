// Evaluation of expressions inside a YAML structure (a matrix, `with:` of a reusable
// workflow call), with the template rules GitHub applies to structures.
import { appendAll } from "../util/large-arrays.js";
import { evaluateValue, type EvalOptions } from "./evaluate.js";
import type { ExprContexts, ExprValue } from "./value.js";

/** A mapping key written as `${{ insert }}` merges the mapping it holds into its parent. */
const INSERT_KEY = /^\$\{\{\s*insert\s*\}\}$/i;
const WHOLE_EXPRESSION = /^\s*\$\{\{[\s\S]*\}\}\s*$/;

function isMapping(v: unknown): v is { [key: string]: ExprValue } {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export class StructureError extends Error {}

/** A key written with `${{ }}` (a matrix key from a job output) becomes the string it evaluates to. */
function evaluateKey(key: string, contexts: ExprContexts, options?: EvalOptions): string {
  if (!key.includes("${{")) return key;
  const value = evaluateValue(key, contexts, options);
  if (value === null || value === "") throw new StructureError(`the key '${key}' evaluates to an empty string; a job output it reads may not be set`);
  if (typeof value === "object") throw new StructureError(`the key '${key}' must evaluate to a string, got ${JSON.stringify(value)}`);
  return String(value);
}

/**
 * Every `${{ }}` in a YAML value evaluated, mapping keys included. A sequence item that is a single expression
 * yielding a sequence is spliced into its parent, and `${{ insert }}` keys merge their
 * mapping into the parent mapping.
 */
export function evaluateStructure(value: ExprValue, contexts: ExprContexts, options?: EvalOptions): ExprValue {
  if (typeof value === "string") return value.includes("${{") ? evaluateValue(value, contexts, options) : value;
  if (Array.isArray(value)) {
    const out: ExprValue[] = [];
    for (const item of value) {
      const evaluated = evaluateStructure(item, contexts, options);
      if (typeof item === "string" && WHOLE_EXPRESSION.test(item) && Array.isArray(evaluated)) appendAll(out, evaluated);
      else out.push(evaluated);
    }
    return out;
  }
  if (isMapping(value)) {
    const out: { [key: string]: ExprValue } = {};
    for (const [k, v] of Object.entries(value)) {
      const evaluated = evaluateStructure(v, contexts, options);
      if (INSERT_KEY.test(k)) {
        if (!isMapping(evaluated)) throw new StructureError(`'${k}' must hold a mapping, got ${JSON.stringify(evaluated)}`);
        Object.assign(out, evaluated);
      } else out[evaluateKey(k, contexts, options)] = evaluated;
    }
    return out;
  }
  return value;
}
