// Plain JS values crossing the module boundary, and their conversion to and from the
// data types of @actions/expressions (whose Dictionary gives case-insensitive lookup).
import { data } from "@actions/expressions";

export type ExprValue = null | boolean | number | string | ExprValue[] | { [key: string]: ExprValue };

/** Named contexts by name: github, env, vars, secrets, inputs, matrix, strategy, needs, steps, runner, job, jobs ... */
export type ExprContexts = Record<string, ExprValue>;

export function toData(value: ExprValue): data.ExpressionData {
  // Contexts assembled by other modules may carry undefined for an absent optional field;
  // GitHub shows such a field as null.
  if (value === null || value === undefined) return new data.Null();
  switch (typeof value) {
    case "boolean":
      return new data.BooleanData(value);
    case "number":
      return new data.NumberData(value);
    case "string":
      return new data.StringData(value);
  }
  if (Array.isArray(value)) return new data.Array(...value.map(toData));
  const dict = new data.Dictionary();
  // Dictionary.add keeps the first of two keys differing only in case, as GitHub does.
  for (const [key, item] of Object.entries(value)) dict.add(key, toData(item));
  return dict;
}

export function fromData(value: data.ExpressionData): ExprValue {
  switch (value.kind) {
    case data.Kind.Null:
      return null;
    case data.Kind.Boolean:
    case data.Kind.Number:
    case data.Kind.String:
      return value.value;
    case data.Kind.Array:
      return value.values().map(fromData);
    case data.Kind.Dictionary: {
      const out: { [key: string]: ExprValue } = {};
      for (const { key, value: item } of value.pairs()) {
        // defineProperty, because a key named "__proto__" (say from fromJSON) must stay data.
        Object.defineProperty(out, key, { value: fromData(item), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
  }
}

/** How a result reads inside a string: primitives as GitHub coerces them, objects and arrays as toJSON prints them. */
export function dataToText(value: data.ExpressionData): string {
  return value.primitive ? value.coerceString() : JSON.stringify(value, data.replacer, "  ");
}
