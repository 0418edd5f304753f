// The values of workflow fields that may be literals or expressions (timeout-minutes,
// continue-on-error, strategy.fail-fast, strategy.max-parallel), turned into what the engine
// and the runner use, with GitHub's rules for both. The runner's converters assert the type
// after evaluation: a boolean field takes a boolean, a number field a number; a string is
// refused even when it reads "true" or "5", and null means "not set". One difference, on
// purpose: GitHub truncates timeout-minutes to whole minutes, tierci keeps fractions (0.5 is
// 30 seconds), so a short timeout can be tried out without waiting a minute.
import { evaluateValue, type EvalOptions } from "./evaluate.js";
import { dataToText, toData, type ExprContexts, type ExprValue } from "./value.js";

function formatScalar(value: number | boolean): string {
  return dataToText(toData(value));
}

/** A field's value, evaluated when it is an expression text. */
export function evaluateField(value: boolean | number | string, contexts: ExprContexts, options: EvalOptions = {}): ExprValue {
  return typeof value === "string" ? evaluateValue(value, contexts, options) : value;
}

function describe(value: ExprValue): string {
  if (typeof value === "string") return `the string '${value}'`;
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object" && value !== null) return "an object";
  return String(value);
}

/** continue-on-error, fail-fast: true or false; null (an empty expression) is the default. */
export function asBoolean(value: ExprValue, field: string, fallback: boolean): boolean {
  if (value === null) return fallback;
  if (typeof value === "boolean") return value;
  const hint = typeof value === "string" ? `; compare it instead, e.g. \${{ x == 'true' }}` : "";
  throw new Error(`${field} must be true or false, got ${describe(value)}${hint}`);
}

/** A number field; null when not set. */
function asNumber(value: ExprValue, field: string): number | null {
  if (value === null) return null;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    const hint = typeof value === "string" ? "; use fromJSON() to turn text into a number" : "";
    throw new Error(`${field} must be a number, got ${describe(value)}${hint}`);
  }
  return value;
}

/** timeout-minutes: minutes, or null when the default applies (unset, 0 or below). */
export function asTimeoutMinutes(value: ExprValue, field: string): number | null {
  const n = asNumber(value, field);
  return n === null || n <= 0 ? null : n;
}

/** strategy.max-parallel: a whole number of at least 1 (GitHub truncates); null when not set. */
export function asMaxParallel(value: ExprValue, field: string): number | null {
  const n = asNumber(value, field);
  if (n === null) return null;
  if (Math.trunc(n) < 1) throw new Error(`${field} must be at least 1, got ${n}`);
  return Math.trunc(n);
}

/**
 * `env:` written as one expression: it must yield a mapping; scalar values become text as they
 * would in `${{ }}` (null becomes empty), nested mappings and arrays are refused.
 */
export function asEnvMapping(value: ExprValue, field: string): Record<string, string> {
  if (value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new Error(`${field} must yield a mapping of names to values, got ${describe(value)}`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === "object" && v !== null) throw new Error(`${field}.${k} must be text, a number or a boolean, got ${describe(v)}`);
    out[k] = v === null ? "" : typeof v === "string" ? v : formatScalar(v);
  }
  return out;
}

/** GitHub's default timeout of a job, and of a step (which the job's own bounds anyway). */
export const DEFAULT_TIMEOUT_MINUTES = 360;
