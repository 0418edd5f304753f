// HTML made by the dashboard: every value placed in a template is escaped unless it is already
// Html (made by this template or by a renderer that escapes, such as the report's timeline). A
// branch name, job name or log line can therefore never become markup.
import { esc } from "../../reports/html/escape.js";

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | null | undefined | false | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return (value as readonly Value[]).map(render).join("");
  return esc(value as string | number);
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? "";
  values.forEach((v, i) => (out += render(v) + (strings[i + 1] ?? "")));
  return new Html(out);
}

/** Markup from a renderer that escapes its own input (the report's SVG timeline). */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** A query string from the values that are set, for links that keep the page's filters. */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}
