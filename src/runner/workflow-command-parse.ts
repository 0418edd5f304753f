// The syntax of workflow commands, as actions/runner's ActionCommand parses it: `::name
// key=value,key=value::data` after leading whitespace, and the legacy `##[name key=value;key=value]data`
// anywhere in a line, with their escapes. What a command does is workflow-commands.ts's business.
import { dotnetTrim } from "./masker.js";

export interface Command {
  name: string;
  /** Keys lower-cased: GitHub looks properties up without regard to case. */
  properties: Map<string, string>;
  data: string;
}

// Only the name's first '=' splits, but like .NET's Split(..., 2, RemoveEmptyEntries) empty pieces
// are skipped: "name=" and "=x" carry no property and "a==b" sets a to "b".
function splitProperty(text: string): [string, string] | undefined {
  let start = 0;
  while (text[start] === "=") start++;
  const equals = text.indexOf("=", start);
  if (equals < 0) return undefined;
  let valueStart = equals + 1;
  while (text[valueStart] === "=") valueStart++;
  if (valueStart >= text.length) return undefined;
  return [text.slice(start, equals), text.slice(valueStart)];
}

function unescape(text: string, mappings: readonly (readonly [string, string])[]): string {
  let out = text;
  for (const [escaped, plain] of mappings) out = out.replaceAll(escaped, plain);
  return out;
}

// "%25" comes last so that an escaped "%" cannot form another escape.
const DATA_ESCAPES = [
  ["%0D", "\r"],
  ["%0A", "\n"],
  ["%25", "%"],
] as const;
const PROPERTY_ESCAPES = [
  ["%0D", "\r"],
  ["%0A", "\n"],
  ["%3A", ":"],
  ["%2C", ","],
  ["%25", "%"],
] as const;
const LEGACY_ESCAPES = [
  ["%3B", ";"],
  ["%0D", "\r"],
  ["%0A", "\n"],
  ["%5D", "]"],
  ["%25", "%"],
] as const;

const DOTNET_LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

export function parseCommand(line: string, isCommand: (name: string) => boolean): Command | undefined {
  return parseV2(line, isCommand) ?? parseLegacy(line, isCommand);
}

function parseV2(line: string, isCommand: (name: string) => boolean): Command | undefined {
  const text = line.replace(DOTNET_LEADING_SPACE, "");
  if (!text.startsWith("::")) return undefined;
  const end = text.indexOf("::", 2);
  if (end < 0) return undefined;
  const info = text.slice(2, end);
  const space = info.indexOf(" ");
  const name = space < 0 ? info : info.slice(0, space);
  if (!isCommand(name)) return undefined;
  const properties = new Map<string, string>();
  if (space > 0) {
    for (const piece of dotnetTrim(info.slice(space + 1)).split(",")) {
      const pair = piece === "" ? undefined : splitProperty(piece);
      if (pair) properties.set(pair[0].toLowerCase(), unescape(pair[1], PROPERTY_ESCAPES));
    }
  }
  return { name, properties, data: unescape(text.slice(end + 2), DATA_ESCAPES) };
}

function parseLegacy(line: string, isCommand: (name: string) => boolean): Command | undefined {
  const prefix = line.indexOf("##[");
  if (prefix < 0) return undefined;
  const bracket = line.indexOf("]", prefix);
  if (bracket < 0) return undefined;
  const info = line.slice(prefix + 3, bracket);
  const space = info.indexOf(" ");
  const name = space < 0 ? info : info.slice(0, space);
  if (!isCommand(name)) return undefined;
  const properties = new Map<string, string>();
  if (space > 0) {
    for (const piece of info.slice(space + 1).split(";")) {
      const pair = piece === "" ? undefined : splitProperty(piece);
      if (pair) properties.set(pair[0].toLowerCase(), unescape(pair[1], LEGACY_ESCAPES));
    }
  }
  return { name, properties, data: unescape(line.slice(bracket + 1), LEGACY_ESCAPES) };
}
