// GitHub's matrix filter match (exclude entries, include values against the original
// matrix): each scalar is compared with the expression `==` operator (strings without
// regard to case, mixed types as numbers); a mapping matches on the keys it names,
// whatever case they are written in; arrays match element by element.
import { data } from "@actions/expressions";
import { equals } from "@actions/expressions/result";
import type { ExprValue } from "./value.js";

/** A YAML scalar as the expression library's value, for its comparison and string rules. */
export function scalarData(v: null | boolean | number | string): data.ExpressionData {
  if (v === null) return new data.Null();
  if (typeof v === "boolean") return new data.BooleanData(v);
  if (typeof v === "number") return new data.NumberData(v);
  return new data.StringData(v);
}

export function filterMatches(wanted: ExprValue, actual: ExprValue | undefined): boolean {
  if (actual === undefined) return false;
  if (Array.isArray(wanted)) {
    return Array.isArray(actual) && actual.length === wanted.length && wanted.every((w, i) => filterMatches(w, actual[i]));
  }
  if (wanted !== null && typeof wanted === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
    const lower = new Map(Object.entries(actual).map(([k, v]) => [k.toLowerCase(), v]));
    return Object.entries(wanted).every(([k, w]) => filterMatches(w, lower.get(k.toLowerCase())));
  }
  if (actual !== null && typeof actual === "object") return false;
  return equals(scalarData(wanted), scalarData(actual));
}
