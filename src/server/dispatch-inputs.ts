// A dispatch's inputs checked against the workflow's `workflow_dispatch.inputs`, as GitHub's
// API checks them: unknown names, missing required ones, values of the wrong type and choices
// that are not offered are all refused, every one named; defaults fill what was left out.
// GitHub hands inputs to the workflow as strings ("true", "3"), and so does this.
import type { InputDef, Trigger } from "../workflow/model.js";

/** On failure, every message, and those about one input by its name (for a form to show beside the field). */
export type DispatchCheck = { ok: true; inputs: Record<string, string> } | { ok: false; errors: string[]; byInput: Record<string, string[]> };

/** GitHub's limit on the number of inputs a dispatch may send. */
const MAX_INPUTS = 25;
const MAX_VALUE_BYTES = 64 * 1024;

function asText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) return String(value);
  return undefined;
}

function checkValue(def: InputDef, text: string): string | undefined {
  switch (def.type) {
    case "boolean":
      return text === "true" || text === "false" ? undefined : `input '${def.name}' must be true or false, got '${text}'`;
    case "number":
      return text.trim() !== "" && Number.isFinite(Number(text)) ? undefined : `input '${def.name}' must be a number, got '${text}'`;
    case "choice":
      return def.options?.includes(text)
        ? undefined
        : `input '${def.name}' must be one of ${(def.options ?? []).map((o) => `'${o}'`).join(", ")}, got '${text}'`;
    default:
      return undefined;
  }
}

export function checkDispatchInputs(trigger: Trigger | undefined, given: unknown): DispatchCheck {
  if (!trigger) return { ok: false, errors: ["the workflow has no workflow_dispatch trigger"], byInput: {} };
  if (given !== undefined && (typeof given !== "object" || given === null || Array.isArray(given)))
    return { ok: false, errors: ["inputs must be an object of names to values"], byInput: {} };
  const values = (given ?? {}) as Record<string, unknown>;
  const defs = trigger.inputs ?? [];
  const errors: string[] = [];
  const byInput: Record<string, string[]> = {};
  const refuse = (name: string, message: string): void => {
    errors.push(message);
    (byInput[name] ??= []).push(message);
  };
  const names = Object.keys(values);
  if (names.length > MAX_INPUTS) errors.push(`at most ${MAX_INPUTS} inputs may be sent, got ${names.length}`);
  for (const name of names)
    if (!defs.some((d) => d.name === name))
      errors.push(`unexpected input '${name}'; the workflow takes ${defs.length ? defs.map((d) => `'${d.name}'`).join(", ") : "no inputs"}`);
  const inputs: Record<string, string> = {};
  for (const def of defs) {
    const raw = values[def.name];
    if (raw === undefined) {
      if (def.default !== undefined) inputs[def.name] = String(def.default);
      else if (def.required) refuse(def.name, `input '${def.name}' is required`);
      else if (def.type === "boolean") inputs[def.name] = "false";
      continue;
    }
    const text = asText(raw);
    if (text === undefined) {
      refuse(def.name, `input '${def.name}' must be a string, number or boolean`);
      continue;
    }
    if (Buffer.byteLength(text) > MAX_VALUE_BYTES) {
      refuse(def.name, `input '${def.name}' is over ${MAX_VALUE_BYTES / 1024} KiB`);
      continue;
    }
    const wrong = checkValue(def, text);
    if (wrong) refuse(def.name, wrong);
    else inputs[def.name] = text;
  }
  return errors.length ? { ok: false, errors, byInput } : { ok: true, inputs };
}
