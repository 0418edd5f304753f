// JSON.parse for report files, with the line and column of a syntax error. Node 20's
// messages give neither (and quote the start of the document instead), so when parsing
// fails the text is scanned again to find where it stops being JSON.
import { IngestError, positionOf } from "./ingest-error.js";

class JsonSyntax {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

function locateSyntaxError(text: string): JsonSyntax | undefined {
  let i = 0;
  const fail = (reason: string): never => {
    throw new JsonSyntax(i, reason);
  };
  const describe = (): string => (i >= text.length ? "unexpected end of input" : `unexpected character '${text[i] ?? ""}'`);
  const space = (): void => {
    while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++;
  };
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= text.length) fail("string is not closed");
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        const e = text[i + 1] ?? "";
        if (e === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail("invalid \\u escape");
          i += 6;
        } else {
          if (!ESCAPES.has(e)) fail("invalid escape in string");
          i += 2;
        }
      } else {
        if (c < 0x20) fail("control character in string (it must be escaped)");
        i++;
      }
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{" || c === "[") {
      const close = c === "{" ? "}" : "]";
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (close === "}") {
          space();
          if (text[i] !== '"') fail(`${describe()} (expected a quoted key)`);
          string();
          space();
          if (text[i] !== ":") fail(`${describe()} (expected ':')`);
          i++;
        }
        value();
        space();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          return;
        }
        fail(`${describe()} (expected ',' or '${close}')`);
      }
    }
    if (c === '"') {
      string();
      return;
    }
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) {
      i = NUMBER.lastIndex;
      return;
    }
    for (const literal of ["true", "false", "null"]) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    fail(describe());
  };
  try {
    value();
    space();
    if (i < text.length) fail("unexpected content after the JSON value");
  } catch (err) {
    if (err instanceof JsonSyntax) return err;
    // Nesting deep enough to exhaust the stack: no position, the caller says so.
    return undefined;
  }
  return undefined;
}

/** Parses a JSON report, throwing IngestError with the position of a syntax error. */
export function parseJsonReport(text: string, file: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch {
    const found = locateSyntaxError(body);
    if (found === undefined) throw new IngestError(file, "invalid JSON");
    const { line, column } = positionOf(body, found.offset);
    throw new IngestError(file, `invalid JSON: ${found.reason}`, line, column);
  }
}
