// Secret masking as actions/runner's SecretMasker does it: every registered value and its encoded
// forms are searched for, all occurrences (overlapping ones included) are merged, and each merged
// range becomes "***".

// The forms GitHub's runner registers for every value (HostContext's value encoders).
const RUNNER_ENCODERS: readonly ((value: string) => string)[] = [
  (value) => base64Shifted(value, 0),
  (value) => base64Shifted(value, 1),
  (value) => base64Shifted(value, 2),
  (value) => value.replaceAll('"', '\\"'),
  (value) => value.replaceAll("'", "''"),
  jsonStringEscape,
  uriDataEscape,
  xmlEscape,
  trimDoubleQuotes,
  powerShellPreAmpersand,
  powerShellPostAmpersand,
];

// The runner's base64 forms end with the padding and the partial last character, so they only match a
// secret encoded on its own or at the very end of a longer blob. The stable part of each of the three
// alignments also catches it anywhere inside one (e.g. `echo "$SECRET" | base64`, which encodes a
// trailing newline). Shorter stable parts would match too much unrelated text.
const MIN_BASE64_INFIX = 6;

export class Masker {
  private readonly originals = new Set<string>();
  private readonly patterns = new Set<string>();
  private automaton: Automaton | undefined;

  /**
   * Registers a value as ::add-mask:: does: the value itself and each of its lines, trimmed, since a
   * child process prints a multi-line secret one line at a time. Empty and whitespace-only values are
   * ignored (GitHub warns about them in add-mask and trims secrets first). There is no minimum length:
   * like GitHub, a one-character secret masks that character everywhere.
   */
  add(value: string): void {
    this.addValue(value);
    for (const line of value.split(/[\r\n]/)) this.addValue(dotnetTrim(line));
  }

  /** Registers a secret: GitHub trims a secret's value before registering it and its lines. */
  addSecret(value: string): void {
    this.add(dotnetTrim(value));
  }

  /** The text with every registered value replaced by "***". */
  mask(text: string): string {
    if (this.patterns.size === 0 || text === "") return text;
    this.automaton ??= new Automaton(this.patterns);
    const ranges = this.automaton.ranges(text);
    if (ranges.length === 0) return text;
    let out = "";
    let from = 0;
    for (const [start, end] of ranges) {
      out += text.slice(from, start) + "***";
      from = end;
    }
    return out + text.slice(from);
  }

  /**
   * For a line that was cut short: masks as mask() does, and also an end of the text that is the
   * beginning of a registered value, since the rest of that value was cut off and would no
   * longer match.
   */
  maskCut(text: string): string {
    const masked = this.mask(text);
    let longest = 0;
    for (const pattern of this.patterns) {
      for (let k = Math.min(pattern.length - 1, masked.length); k > longest; k--) {
        if (masked.endsWith(pattern.slice(0, k))) {
          longest = k;
          break;
        }
      }
    }
    return longest > 0 ? `${masked.slice(0, masked.length - longest)}***` : masked;
  }

  private addValue(value: string): void {
    if (dotnetTrim(value) === "" || this.originals.has(value)) return;
    this.originals.add(value);
    const forms = [value, ...RUNNER_ENCODERS.map((encode) => encode(value)), ...base64Infixes(value)];
    for (const form of forms) {
      if (form !== "" && !this.patterns.has(form)) {
        this.patterns.add(form);
        this.automaton = undefined;
      }
    }
  }
}

function base64Shifted(value: string, shift: number): string {
  const bytes = Buffer.from(value, "utf8");
  return (bytes.length > shift ? bytes.subarray(shift) : bytes).toString("base64");
}

// Three bytes make four characters, so the first floor(4n/3) characters of the encoding of n bytes do
// not depend on what follows them; starting 0, 1 or 2 bytes in covers every alignment in a blob.
function base64Infixes(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const out: string[] = [];
  for (let shift = 0; shift < 3 && shift < bytes.length; shift++) {
    const part = bytes.subarray(shift);
    const stable = part.toString("base64").slice(0, Math.floor((part.length * 4) / 3));
    if (stable.length >= MIN_BASE64_INFIX) out.push(stable);
  }
  return out;
}

// Newtonsoft.Json's default string escaping, without the quotes.
const JSON_SHORT_ESCAPES: Record<string, string> = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r" };

function jsonStringEscape(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    const code = value.charCodeAt(i);
    const short = JSON_SHORT_ESCAPES[c];
    if (short !== undefined) out += short;
    else if (code < 0x20 || code === 0x85 || code === 0x2028 || code === 0x2029) out += "\\u" + code.toString(16).padStart(4, "0");
    else out += c;
  }
  return out;
}

// .NET's Uri.EscapeDataString keeps only RFC 3986 unreserved characters, so it also encodes !'()*.
function uriDataEscape(value: string): string {
  try {
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  } catch {
    // A lone surrogate cannot be percent-encoded; the value's other forms still mask it.
    return "";
  }
}

function xmlEscape(value: string): string {
  return value.replace(/[<>"'&]/g, (c) => ({ "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;", "&": "&amp;" })[c] ?? c);
}

function trimDoubleQuotes(value: string): string {
  return value.length > 8 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : "";
}

// PowerShell may print a secret containing '&' in two pieces when it reports an error; the runner
// registers both pieces when they are at least six characters long.
function powerShellPreAmpersand(value: string): string {
  if (!value.includes("&")) return "";
  const section = value.includes("&+") ? value.slice(0, value.indexOf("&+") + 2) : value.slice(0, value.lastIndexOf("&") + 1);
  return section.length >= 6 ? section : "";
}

function powerShellPostAmpersand(value: string): string {
  if (!value.includes("&")) return "";
  let section = "";
  if (value.includes("&+")) {
    // The character after "&+" is the one PowerShell colours, so it is left out.
    const after = value.indexOf("&+") + 3;
    if (value.length > after) section = value.slice(after);
  } else {
    section = value.slice(value.lastIndexOf("&") + 1);
  }
  return section.length >= 6 ? section : "";
}

// Char.IsWhiteSpace's set: unlike JavaScript's trim it includes U+0085 and excludes U+FEFF.
const DOTNET_SPACE = "\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const DOTNET_TRIM = new RegExp(`^[${DOTNET_SPACE}]+|[${DOTNET_SPACE}]+$`, "g");

export function dotnetTrim(value: string): string {
  return value.replace(DOTNET_TRIM, "");
}

/**
 * Aho-Corasick over UTF-16 code units: one pass over the text finds, at every position, the longest
 * pattern ending there, whatever the number of patterns.
 */
class Automaton {
  private readonly next: Map<number, number>[] = [new Map()];
  private readonly fail: number[] = [0];
  // Length of the longest pattern that is a suffix of the node's string; 0 for none.
  private readonly longest: number[] = [0];

  constructor(patterns: Iterable<string>) {
    for (const pattern of patterns) {
      let node = 0;
      for (let i = 0; i < pattern.length; i++) {
        const c = pattern.charCodeAt(i);
        let child = this.next[node]?.get(c);
        if (child === undefined) {
          child = this.next.length;
          this.next.push(new Map());
          this.fail.push(0);
          this.longest.push(0);
          this.next[node]?.set(c, child);
        }
        node = child;
      }
      this.longest[node] = pattern.length;
    }
    const queue: number[] = [...(this.next[0]?.values() ?? [])];
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head] as number;
      for (const [c, child] of this.next[node] ?? []) {
        this.fail[child] = this.step(this.fail[node] ?? 0, c);
        if (this.longest[child] === 0) this.longest[child] = this.longest[this.fail[child] ?? 0] ?? 0;
        queue.push(child);
      }
    }
  }

  /** The ranges [start, end) to replace, sorted, with overlapping and touching matches merged. */
  ranges(text: string): [number, number][] {
    const merged: [number, number][] = [];
    let node = 0;
    for (let i = 0; i < text.length; i++) {
      node = this.step(node, text.charCodeAt(i));
      const length = this.longest[node] ?? 0;
      if (length === 0) continue;
      let start = i + 1 - length;
      // A longer match ending here may reach back over several earlier ranges.
      for (let last = merged.at(-1); last !== undefined && start <= last[1]; last = merged.at(-1)) {
        start = Math.min(start, last[0]);
        merged.pop();
      }
      merged.push([start, i + 1]);
    }
    return merged;
  }

  private step(node: number, c: number): number {
    for (let at = node; ; at = this.fail[at] ?? 0) {
      const child = this.next[at]?.get(c);
      if (child !== undefined) return child;
      if (at === 0) return 0;
    }
  }
}
