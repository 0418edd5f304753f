// A log line's ANSI colours as HTML: SGR sequences become spans with classes (never inline
// styles or text from the line), every other control sequence is dropped, and all text is escaped.
import { esc } from "../../reports/html/escape.js";

interface Style {
  fg: number | null;
  bg: number | null;
  bold: boolean;
  italic: boolean;
  underline: boolean;
}

const PLAIN: Style = { fg: null, bg: null, bold: false, italic: false, underline: false };

// eslint-disable-next-line no-control-regex
const SEQUENCE = /\x1b\[([0-9;:]*)([A-Za-z])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]?|[\x00-\x08\x0b-\x1f\x7f]/g;

/** Applies one SGR parameter list; extended colours (38/48;5;n, 38/48;2;r;g;b) keep only the 16 basic ones. */
function apply(style: Style, params: string): Style {
  const codes = params === "" ? [0] : params.split(/[;:]/).map((p) => Number(p) || 0);
  const s = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] ?? 0;
    if (c === 0) Object.assign(s, PLAIN);
    else if (c === 1) s.bold = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 22) s.bold = false;
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c >= 30 && c <= 37) s.fg = c - 30;
    else if (c >= 90 && c <= 97) s.fg = c - 90;
    else if (c === 39) s.fg = null;
    else if (c >= 40 && c <= 47) s.bg = c - 40;
    else if (c >= 100 && c <= 107) s.bg = c - 100;
    else if (c === 49) s.bg = null;
    else if (c === 38 || c === 48) {
      const mode = codes[i + 1];
      const n = codes[i + 2] ?? 0;
      const basic = mode === 5 && n < 16 ? n % 8 : null;
      if (c === 38) s.fg = basic;
      else s.bg = basic;
      i += mode === 5 ? 2 : mode === 2 ? 4 : 1;
    }
  }
  return s;
}

function classes(s: Style): string {
  const out: string[] = [];
  if (s.fg !== null) out.push(`fg${s.fg}`);
  if (s.bg !== null) out.push(`bg${s.bg}`);
  if (s.bold) out.push("ansi-b");
  if (s.italic) out.push("ansi-i");
  if (s.underline) out.push("ansi-u");
  return out.join(" ");
}

export function ansiToHtml(line: string): string {
  let out = "";
  let style = PLAIN;
  let last = 0;
  const emit = (text: string): void => {
    if (text === "") return;
    const cls = classes(style);
    out += cls ? `<span class="${cls}">${esc(text)}</span>` : esc(text);
  };
  for (const m of line.matchAll(SEQUENCE)) {
    emit(line.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[2] === "m") style = apply(style, m[1] ?? "");
  }
  emit(line.slice(last));
  return out;
}
