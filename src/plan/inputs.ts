// Turns `--input NAME=VALUE` strings into the typed `inputs` context of a `workflow_dispatch` or
// `workflow_call` run, with GitHub's checks and defaults.
//
// An input that is neither given nor defaulted gets the value GitHub documents for a reusable
// workflow's unset input: "" for a string, false for a boolean, 0 for a number. A manual dispatch
// from GitHub's form cannot leave one unset (the form submits an empty box, an unticked checkbox,
// the first choice), so the same values hold there, with `choice` taking its first option as the
// form does. Input names match case-insensitively, like every context key in GitHub's expressions.

import type { InputDef } from "../workflow/model.js";

export type InputValue = string | boolean | number;

export type InputEventKind = "workflow_dispatch" | "workflow_call";

export interface ResolvedInputs {
  /** Keyed by the name as the workflow defines it, in definition order. */
  values: Record<string, InputValue>;
  errors: string[];
}

/** Plain decimal notation, as GitHub's form accepts; `Number()` alone would also take `0x10` or `""`. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Why `text` is not a valid value of `def`, or the typed value. */
function parse(def: InputDef, text: string): { value: InputValue } | { problem: string } {
  switch (def.type) {
    case "boolean": {
      const lower = text.trim().toLowerCase();
      if (lower === "true" || lower === "false") return { value: lower === "true" };
      return { problem: `is a boolean, so it takes true or false, not '${text}'` };
    }
    case "number": {
      const trimmed = text.trim();
      const n = DECIMAL.test(trimmed) ? Number(trimmed) : NaN;
      if (Number.isFinite(n)) return { value: n };
      return { problem: `is a number, and '${text}' is not one` };
    }
    case "choice": {
      const options = def.options ?? [];
      if (options.includes(text)) return { value: text };
      return { problem: `is a choice of ${options.map((o) => `'${o}'`).join(", ")}, and '${text}' is not one of them (options match exactly)` };
    }
    case "string":
    case "environment":
      return { value: text };
  }
}

function valueHint(def: InputDef): string {
  switch (def.type) {
    case "boolean":
      return "true|false";
    case "number":
      return "NUMBER";
    case "choice":
      return (def.options ?? []).join("|") || "VALUE";
    case "string":
    case "environment":
      return "VALUE";
  }
}

/** A reusable workflow gets its inputs from the caller's `with:`, or from `--input` when run on its own. */
function howToPass(def: InputDef, kind: InputEventKind): string {
  const flag = `pass --input ${def.name}=${valueHint(def)}`;
  return kind === "workflow_call" ? `${flag}, or set '${def.name}' under 'with:' of the calling job` : flag;
}

function unsetValue(def: InputDef): InputValue {
  switch (def.type) {
    case "boolean":
      return false;
    case "number":
      return 0;
    case "choice":
      return def.options?.[0] ?? "";
    case "string":
    case "environment":
      return "";
  }
}

/** `default:` may be written as any YAML scalar; GitHub reads it as the input's type would read its text. */
function resolveDefault(def: InputDef, value: InputValue, errors: string[]): InputValue | undefined {
  if (def.type === "boolean" && typeof value === "boolean") return value;
  if (def.type === "number" && typeof value === "number") return value;
  const parsed = parse(def, String(value));
  if ("value" in parsed) return parsed.value;
  errors.push(`the default of input '${def.name}' is invalid: it ${parsed.problem}; fix 'default:' in the workflow file`);
  return undefined;
}

const CALL_TYPES: ReadonlySet<string> = new Set(["string", "boolean", "number"]);

export function resolveInputs(defs: readonly InputDef[], given: Readonly<Record<string, string>>, kind: InputEventKind): ResolvedInputs {
  const values: Record<string, InputValue> = {};
  const errors: string[] = [];
  const byKey = new Map(defs.map((d) => [d.name.toLowerCase(), d]));
  const givenByKey = new Map<string, string>();

  for (const [name, text] of Object.entries(given)) {
    const def = byKey.get(name.toLowerCase());
    if (def === undefined) {
      const defined = defs.length === 0 ? `this workflow's ${kind} defines no inputs` : `its ${kind} inputs are ${defs.map((d) => d.name).join(", ")}`;
      const where = kind === "workflow_call" ? "from --input or the calling job's 'with:'" : `--input ${name}=...`;
      errors.push(`input '${name}' is not defined by the workflow (${defined}); remove it (${where}) or add it under on.${kind}.inputs`);
    } else {
      givenByKey.set(def.name.toLowerCase(), text);
    }
  }

  for (const def of defs) {
    if (kind === "workflow_call" && !CALL_TYPES.has(def.type)) {
      errors.push(`input '${def.name}' has type '${def.type}', which workflow_call does not support; use string, number or boolean`);
      continue;
    }
    if (def.type === "choice" && (def.options ?? []).length === 0) {
      errors.push(`input '${def.name}' is a choice without options; list them under 'options:' in the workflow file`);
      continue;
    }
    const text = givenByKey.get(def.name.toLowerCase());
    if (text !== undefined) {
      const parsed = parse(def, text);
      if ("value" in parsed) values[def.name] = parsed.value;
      else errors.push(`input '${def.name}' ${parsed.problem}; ${howToPass(def, kind)}`);
    } else if (def.default !== undefined) {
      const value = resolveDefault(def, def.default, errors);
      if (value !== undefined) values[def.name] = value;
    } else if (def.required) {
      errors.push(`input '${def.name}' is required; ${howToPass(def, kind)}`);
    } else {
      values[def.name] = unsetValue(def);
    }
  }
  return { values, errors };
}
