// npm ecosystem lockfiles: package-lock.json / npm-shrinkwrap.json (v1, v2, v3),
// pnpm-lock.yaml (v5 to v9) and yarn.lock (classic v1 and berry).
import { isMap, isScalar, LineCounter, parseDocument, type Document } from "yaml";
import { jsonKeyLines, jsonPath } from "./json-lines.js";
import type { ParseResult } from "./manifest.js";
import { isVersion } from "./osv-range.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});

function add(result: ParseResult, file: string, name: string, version: string, line: number | undefined): void {
  const where = line === undefined ? {} : { line };
  if (isVersion("npm", version)) result.dependencies.push({ ecosystem: "npm", name, version, file, ...where });
  else result.notes.push({ file, ...where, message: `cannot audit ${name}@${version}: not a registry version` });
}

/** Splits "name@range" where the name may be scoped ("@scope/name@range"). */
function splitAt(spec: string): [string, string] | undefined {
  const at = spec.indexOf("@", 1);
  return at < 0 ? undefined : [spec.slice(0, at), spec.slice(at + 1)];
}

export function parsePackageLock(text: string, file: string): ParseResult {
  const result: ParseResult = { dependencies: [], notes: [] };
  let doc: Obj;
  try {
    doc = obj(JSON.parse(text));
  } catch (err) {
    result.notes.push({ file, message: `cannot audit ${file}: not valid JSON (${(err as Error).message})` });
    return result;
  }
  const lines = jsonKeyLines(text);
  if (isObj(doc["packages"])) {
    for (const [path, value] of Object.entries(doc["packages"])) {
      const entry = obj(value);
      // "" is the project; paths outside node_modules are workspace members; links point at them.
      const at = path.lastIndexOf("node_modules/");
      if (at < 0 || entry["link"] === true || typeof entry["version"] !== "string") continue;
      const name = typeof entry["name"] === "string" ? entry["name"] : path.slice(at + "node_modules/".length);
      const line = lines.get(jsonPath("packages", path));
      if (typeof entry["resolved"] === "string" && !/^https?:/.test(entry["resolved"])) {
        result.notes.push({
          file,
          ...(line === undefined ? {} : { line }),
          message: `cannot audit ${name}@${entry["version"]}: it comes from ${entry["resolved"]}, not from the registry`,
        });
      } else add(result, file, name, entry["version"], line);
    }
    return result;
  }
  // Version 1 nests dependencies under the packages that needed a different copy.
  const walk = (deps: unknown, path: string[]): void => {
    for (const [key, value] of Object.entries(obj(deps))) {
      const entry = obj(value);
      const here = [...path, "dependencies", key];
      const line = lines.get(jsonPath(...here));
      if (typeof entry["version"] === "string") {
        const alias = /^npm:(.+)$/.exec(entry["version"]);
        const real = alias ? splitAt(alias[1] as string) : undefined;
        if (real) add(result, file, real[0], real[1], line);
        else if (/^[a-z+]+:|\//i.test(entry["version"])) {
          result.notes.push({
            file,
            ...(line === undefined ? {} : { line }),
            message: `cannot audit ${key}: it comes from ${entry["version"]}, not from the registry`,
          });
        } else add(result, file, key, entry["version"], line);
      }
      walk(entry["dependencies"], here);
    }
  };
  walk(doc["dependencies"], []);
  return result;
}

function readYaml(text: string, file: string, result: ParseResult): { doc: Document; counter: LineCounter } | undefined {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    result.notes.push({ file, line: error.linePos?.[0].line ?? 1, message: `cannot audit ${file}: not valid YAML (${error.message.split("\n")[0]})` });
    return undefined;
  }
  return { doc, counter };
}

/** The top-level entries of a YAML map with the line of each key. */
function entriesWithLines(node: unknown, counter: LineCounter): { key: string; line: number; value: Obj }[] {
  if (!isMap(node)) return [];
  return node.items.flatMap((pair) => {
    if (!isScalar(pair.key)) return [];
    const line = pair.key.range ? counter.linePos(pair.key.range[0]).line : 1;
    const value = isMap(pair.value) ? (pair.value.toJSON() as Obj) : {};
    return [{ key: String(pair.key.value), line, value }];
  });
}

export function parsePnpmLock(text: string, file: string): ParseResult {
  const result: ParseResult = { dependencies: [], notes: [] };
  const yaml = readYaml(text, file, result);
  if (!yaml) return result;
  // Before version 6 keys read /name/1.0.0_peer@2.0.0; from 6 on, /name@1.0.0(peer@2.0.0) and,
  // from 9 on, without the leading slash.
  const slashes = Number.parseFloat(String(yaml.doc.get("lockfileVersion") ?? "9")) < 6;
  for (const { key, line } of entriesWithLines(yaml.doc.get("packages", true), yaml.counter)) {
    const bare = key.replace(/^\//, "").replace(/\(.*$/, "");
    let split: [string, string] | undefined;
    if (slashes) {
      const slash = bare.lastIndexOf("/");
      split = slash > 0 ? [bare.slice(0, slash), bare.slice(slash + 1).split("_")[0] ?? ""] : undefined;
    } else split = splitAt(bare);
    // A key whose version part is not a version names a tarball, git or local source.
    if (!split || !isVersion("npm", split[1])) result.notes.push({ file, line, message: `cannot audit ${key}: it does not come from the registry` });
    else add(result, file, split[0], split[1], line);
  }
  return result;
}

/** Yarn berry's resolution "name@npm:1.2.3", or a patch of one, to name and version; undefined for other sources. */
function berryResolution(resolution: string): [string, string] | undefined {
  const split = splitAt(resolution);
  if (split?.[1].startsWith("patch:")) {
    let inner: string;
    try {
      inner = decodeURIComponent(split[1].slice("patch:".length));
    } catch {
      return undefined;
    }
    return berryResolution(inner.split("#")[0] ?? "");
  }
  return split?.[1].startsWith("npm:") ? [split[0], split[1].slice("npm:".length)] : undefined;
}

function parseYarnBerry(text: string, file: string): ParseResult {
  const result: ParseResult = { dependencies: [], notes: [] };
  const yaml = readYaml(text, file, result);
  if (!yaml) return result;
  for (const { key, line, value } of entriesWithLines(yaml.doc.contents, yaml.counter)) {
    const resolution = value["resolution"];
    if (key === "__metadata" || typeof resolution !== "string") continue;
    const res = berryResolution(resolution);
    if (res) add(result, file, res[0], res[1], line);
    // The project's own workspaces are what is being audited.
    else if (!resolution.includes("@workspace:")) result.notes.push({ file, line, message: `cannot audit ${resolution}: it does not come from the registry` });
  }
  return result;
}

const NOT_REGISTRY = /^(?:git\+|git:|github:|gitlab:|bitbucket:|file:|link:|portal:|https?:|[^@/\s]+\/[^@\s]+$)/;

function parseYarnClassic(text: string, file: string): ParseResult {
  const result: ParseResult = { dependencies: [], notes: [] };
  let header: { specs: string[]; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.startsWith("#") || raw.trim() === "") return;
    if (!/^\s/.test(raw)) {
      header = raw.endsWith(":")
        ? {
            specs: raw
              .slice(0, -1)
              .split(/,\s*/)
              .map((s) => s.trim().replace(/^"|"$/g, "")),
            line: i + 1,
          }
        : undefined;
      return;
    }
    const version = /^ {2}version:?\s+"?([^"\s]+)"?\s*$/.exec(raw);
    if (!header || !version) return;
    const split = splitAt(header.specs[0] ?? "");
    if (!split) return;
    let [name, range] = split;
    const alias = /^npm:(.+)$/.exec(range);
    const real = alias ? splitAt(alias[1] as string) : undefined;
    if (alias) [name, range] = real ?? [alias[1] as string, ""];
    if (NOT_REGISTRY.test(range)) result.notes.push({ file, line: header.line, message: `cannot audit ${name}@${range}: it does not come from the registry` });
    else add(result, file, name, version[1] as string, header.line);
    header = undefined;
  });
  return result;
}

export function parseYarnLock(text: string, file: string): ParseResult {
  return /^__metadata:/m.test(text) ? parseYarnBerry(text, file) : parseYarnClassic(text, file);
}
