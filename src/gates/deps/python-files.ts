// Python dependency files other than requirements: pyproject.toml (PEP 621, PEP 735
// dependency groups, Poetry tables), and the lockfiles of uv, Poetry and Pipenv.
import { parse as parseToml, TomlError } from "smol-toml";
import { jsonKeyLines, jsonPath } from "./json-lines.js";
import { escapeRegExp, lineMatching, type AuditNote, type ParseResult } from "./manifest.js";
import { isVersion } from "./osv-range.js";
import { normalizePypiName } from "./pep440.js";
import { parseRequirement } from "./pep508.js";

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
const table = (v: unknown): Table => (isTable(v) ? v : {});

function readToml(text: string, file: string, result: ParseResult): Table | undefined {
  try {
    return parseToml(text) as Table;
  } catch (err) {
    const where = err instanceof TomlError ? { line: err.line } : {};
    result.notes.push({ file, ...where, message: `cannot audit ${file}: not valid TOML (${(err as Error).message.split("\n")[0]})` });
    return undefined;
  }
}

function addPinned(result: ParseResult, file: string, name: string, version: string, line: number | undefined): void {
  const where = line === undefined ? {} : { line };
  if (isVersion("PyPI", version)) result.dependencies.push({ ecosystem: "PyPI", name, version, file, ...where });
  else result.notes.push({ file, ...where, message: `cannot audit ${name} ${version}: not a PEP 440 version` });
}

function pep508Entries(result: ParseResult, file: string, text: string, specs: unknown): void {
  for (const spec of Array.isArray(specs) ? specs : []) {
    // PEP 735 groups may include other groups by table; those are read as groups themselves.
    if (typeof spec !== "string") continue;
    const line = lineMatching(text, new RegExp(`["']${escapeRegExp(spec)}["']`));
    const where = line === undefined ? {} : { line };
    const req = parseRequirement(spec);
    if (!req) result.notes.push({ file, ...where, message: `cannot audit '${spec}': not a PEP 508 requirement` });
    else if ("unpinned" in req)
      result.notes.push({ file, ...where, message: `cannot audit unpinned ${req.name} (${req.unpinned}): pin it with == or audit a lockfile` });
    else addPinned(result, file, req.name, req.version, line);
  }
}

/** Poetry writes "1.2.3" or "==1.2.3" for an exact version; anything else is a range. */
function poetryPin(constraint: string): string | undefined {
  const m = /^\s*(?:==\s*)?([0-9][^\s,<>=!~^*|]*)\s*$/.exec(constraint);
  return m?.[1];
}

function poetryEntries(result: ParseResult, file: string, text: string, deps: unknown): void {
  for (const [name, spec] of Object.entries(table(deps))) {
    if (name.toLowerCase() === "python") continue;
    const line = lineMatching(text, new RegExp(`^\\s*["']?${escapeRegExp(name)}["']?\\s*=`, "i"));
    const where = line === undefined ? {} : { line };
    const specs = Array.isArray(spec) ? spec : [spec];
    const versions = specs.map((s) => (typeof s === "string" ? s : isTable(s) && typeof s["version"] === "string" ? s["version"] : undefined));
    if (versions.some((v) => v === undefined)) {
      result.notes.push({ file, ...where, message: `cannot audit ${name}: a git, path or URL dependency has no released version to match` });
      continue;
    }
    const pins = [...new Set(versions.map((v) => poetryPin(v as string)))];
    if (pins.length === 1 && pins[0] !== undefined) addPinned(result, file, name, pins[0], line);
    else
      result.notes.push({ file, ...where, message: `cannot audit unpinned ${name} ('${versions.join("', '")}'): pin an exact version or audit poetry.lock` });
  }
}

export function parsePyproject(text: string, file: string): ParseResult {
  const result: ParseResult = { dependencies: [], notes: [] };
  const doc = readToml(text, file, result);
  if (!doc) return result;
  const project = table(doc["project"]);
  pep508Entries(result, file, text, project["dependencies"]);
  for (const specs of Object.values(table(project["optional-dependencies"]))) pep508Entries(result, file, text, specs);
  for (const specs of Object.values(table(doc["dependency-groups"]))) pep508Entries(result, file, text, specs);
  const poetry = table(table(doc["tool"])["poetry"]);
  poetryEntries(result, file, text, poetry["dependencies"]);
  poetryEntries(result, file, text, poetry["dev-dependencies"]);
  for (const group of Object.values(table(poetry["group"]))) poetryEntries(result, file, text, table(group)["dependencies"]);
  return result;
}

/** Line of each `[[package]]` entry's name, by normalized name and version. */
function packageLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let current: { name?: string; line?: number; version?: string } | undefined;
  text.split("\n").forEach((raw, i) => {
    const l = raw.trim();
    if (l.startsWith("[")) {
      current = l === "[[package]]" ? {} : undefined;
      return;
    }
    if (!current) return;
    const name = /^name\s*=\s*"([^"]*)"/.exec(l);
    const version = /^version\s*=\s*"([^"]*)"/.exec(l);
    if (name) Object.assign(current, { name: name[1], line: i + 1 });
    if (version) current.version = version[1];
    if (current.name !== undefined && current.version !== undefined && current.line !== undefined) {
      const key = `${normalizePypiName(current.name)}\0${current.version}`;
      if (!lines.has(key)) lines.set(key, current.line);
    }
  });
  return lines;
}

/** uv.lock and poetry.lock: `[[package]]` tables with name, version and where it came from. */
function parseTomlLock(text: string, file: string, localSource: (source: Table) => string | undefined): ParseResult {
  const result: ParseResult = { dependencies: [], notes: [] };
  const doc = readToml(text, file, result);
  if (!doc) return result;
  const lines = packageLines(text);
  for (const pkg of Array.isArray(doc["package"]) ? doc["package"] : []) {
    if (!isTable(pkg) || typeof pkg["name"] !== "string" || typeof pkg["version"] !== "string") continue;
    const line = lines.get(`${normalizePypiName(pkg["name"])}\0${pkg["version"]}`);
    const where = line === undefined ? {} : { line };
    const local = localSource(table(pkg["source"]));
    if (local === "project") continue;
    if (local)
      result.notes.push({ file, ...where, message: `cannot audit ${pkg["name"]} ${pkg["version"]}: it comes from ${local}, not from a package index` });
    else addPinned(result, file, pkg["name"], pkg["version"], line);
  }
  return result;
}

export function parseUvLock(text: string, file: string): ParseResult {
  return parseTomlLock(text, file, (source) => {
    // The project itself and its workspace members are what is being audited, not dependencies.
    if ("editable" in source || "virtual" in source) return "project";
    if ("git" in source) return "a git repository";
    if ("path" in source || "directory" in source) return "a local path";
    if ("url" in source) return "a direct URL";
    return undefined;
  });
}

export function parsePoetryLock(text: string, file: string): ParseResult {
  return parseTomlLock(text, file, (source) => {
    const type = source["type"];
    if (type === "git") return "a git repository";
    if (type === "directory" || type === "file") return "a local path";
    if (type === "url") return "a direct URL";
    return undefined;
  });
}

export function parsePipfileLock(text: string, file: string): ParseResult {
  const result: ParseResult = { dependencies: [], notes: [] };
  let doc: Table;
  try {
    doc = table(JSON.parse(text));
  } catch (err) {
    result.notes.push({ file, message: `cannot audit ${file}: not valid JSON (${(err as Error).message})` });
    return result;
  }
  const lines = jsonKeyLines(text);
  for (const section of ["default", "develop"]) {
    for (const [name, entry] of Object.entries(table(doc[section]))) {
      const line = lines.get(jsonPath(section, name));
      const where = line === undefined ? {} : { line };
      const e = table(entry);
      const version = typeof e["version"] === "string" ? /^===?\s*(\S+)$/.exec(e["version"])?.[1] : undefined;
      if (version) addPinned(result, file, name, version, line);
      else
        result.notes.push({
          file,
          ...where,
          message: `cannot audit ${name}: ${"git" in e || "path" in e || "file" in e ? "a git, path or URL dependency" : "no pinned version"}`,
        } satisfies AuditNote);
    }
  }
  return result;
}
