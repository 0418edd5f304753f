// gitleaks configurations are written in Go's RE2 syntax; JavaScript's RegExp reads most of
// it as is. This rewrites the constructs that differ, and refuses the few it cannot express.

export class RegexSyntaxError extends Error {}

const POSIX_CLASSES: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const SUPPORTED_FLAGS = new Set(["i", "m", "s"]);

function escapeLiteral(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

/**
 * Compiles a Go regular expression as a global JavaScript RegExp. Inline flags that Go
 * scopes to a group, such as `(?i:...)` or a `(?i)` in the middle of the pattern, apply to
 * the whole pattern: Node 20's RegExp has no scoped modifiers.
 */
export function goRegex(pattern: string): RegExp {
  const flags = new Set<string>();
  let unicode = false;
  let out = "";
  let inClass = false;
  let i = 0;
  const addFlags = (spec: string): void => {
    const positive = spec.split("-")[0] ?? "";
    for (const f of positive) {
      if (!SUPPORTED_FLAGS.has(f)) throw new RegexSyntaxError(`the inline flag '${f}' is not supported`);
      flags.add(f);
    }
  };
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "\\") {
      const next = pattern[i + 1];
      if (next === undefined) throw new RegexSyntaxError("the pattern ends with a lone backslash");
      if (next === "Q") {
        const end = pattern.indexOf("\\E", i + 2);
        const literal = pattern.slice(i + 2, end < 0 ? undefined : end);
        out += escapeLiteral(literal);
        i = end < 0 ? pattern.length : end + 2;
        continue;
      }
      if (next === "x" && pattern[i + 2] === "{") {
        const close = pattern.indexOf("}", i + 3);
        const code = close < 0 ? Number.NaN : Number.parseInt(pattern.slice(i + 3, close), 16);
        if (!Number.isFinite(code) || code > 0xffff) throw new RegexSyntaxError(`unsupported escape ${pattern.slice(i, close + 1)}`);
        out += `\\u${code.toString(16).padStart(4, "0")}`;
        i = close + 1;
        continue;
      }
      if (!inClass && next === "z") out += "(?![\\s\\S])";
      else if (!inClass && next === "A") out += "(?<![\\s\\S])";
      else if (next === "a") out += "\\x07";
      else if (next === "p" || next === "P") {
        unicode = true;
        if (pattern[i + 2] === "{") {
          out += `\\${next}`;
        } else {
          out += `\\${next}{${pattern[i + 2] ?? ""}}`;
          i += 1;
        }
      } else out += `\\${next}`;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === "[" && pattern[i + 1] === ":") {
        const close = pattern.indexOf(":]", i + 2);
        const name = close < 0 ? "" : pattern.slice(i + 2, close);
        const expansion = POSIX_CLASSES[name];
        if (expansion === undefined) throw new RegexSyntaxError(`unsupported character class [:${name}:]`);
        out += expansion;
        i = close + 2;
        continue;
      }
      if (c === "]") inClass = false;
      // In a class RE2 reads '[' literally; JavaScript with the u flag needs it escaped.
      out += c === "[" ? "\\[" : c;
      i += 1;
      continue;
    }
    if (c === "[") {
      inClass = true;
      out += "[";
      i += 1;
      if (pattern[i] === "^") {
        out += "^";
        i += 1;
      }
      // RE2 takes a ']' right after the opening bracket as a literal.
      if (pattern[i] === "]") {
        out += "\\]";
        i += 1;
      }
      continue;
    }
    if (c === "(" && pattern[i + 1] === "?") {
      const rest = pattern.slice(i + 2);
      if (rest.startsWith("P<")) {
        out += "(?<";
        i += 4;
        continue;
      }
      const flagGroup = /^([a-zA-Z-]+)([:)])/.exec(rest);
      if (flagGroup) {
        addFlags(flagGroup[1] as string);
        if (flagGroup[2] === ":") out += "(?:";
        i += 2 + flagGroup[0].length;
        continue;
      }
    }
    out += c;
    i += 1;
  }
  if (inClass) throw new RegexSyntaxError("missing closing ]");
  const jsFlags = `${[...flags].sort().join("")}g${unicode ? "u" : ""}`;
  try {
    return new RegExp(out, jsFlags);
  } catch (err) {
    throw new RegexSyntaxError((err as Error).message.replace(/^Invalid regular expression: /, ""));
  }
}
