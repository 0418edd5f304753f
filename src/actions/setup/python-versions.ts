// Which Python a setup-python step asks for, and which interpreter of the machine answers:
// version files read as actions/setup-python reads them, version specs turned into
// semantic ranges as it does, then matched the way @actions/tool-cache matches its
// directory of versions.
import { parse as parseToml } from "smol-toml";
import { compareVersions, findVersion, parseRange, parseVersion, type SemVer } from "./version-spec.js";

export interface PythonInterpreter {
  /** The version as the tool cache names it: 3.11.7, 3.13.0-rc.2. */
  version: string;
  freethreaded: boolean;
  executable: string;
  /** Where it was found: pyenv, uv, /usr/bin, PATH, ... */
  source: string;
}

/** Lines of a .python-version file; a pyenv-virtualenv pointer (3.10/envs/name) counts as its version. */
export function versionsFromPlainFile(text: string): string[] {
  return text
    .trim()
    .split(/\r\n|\r|\n/)
    .filter((line) => !line.startsWith("#") && line.trim() !== "")
    .map((line) => line.trim().split("/")[0] ?? "");
}

/** The first `python` line of a .tool-versions file. */
export function versionsFromToolVersions(text: string): string[] {
  for (const line of text.split("\n")) {
    if (line.trim().startsWith("#")) continue;
    const m = /^\s*python\s*v?\s*(?<version>[^\s]+)\s*$/.exec(line);
    if (m?.groups?.["version"]) return [m.groups["version"].trim()];
  }
  return [];
}

function lookup(value: unknown, keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/**
 * project.requires-python (PEP 621) when there is a [project] table, else poetry's
 * tool.poetry.dependencies.python; commas become spaces and only what node-semver
 * accepts as a loose range is kept, as in the action: `!=3.11.0` yields nothing, and
 * `~=3.10` is node-semver's `~3.10` (3.10.x), not PEP 440's meaning.
 */
export function versionsFromPyproject(text: string): string[] {
  const config = parseToml(text.replace(/\r\n/g, "\n"));
  const keys = "project" in config ? ["project", "requires-python"] : ["tool", "poetry", "dependencies", "python"];
  const value = lookup(config, keys);
  if (typeof value !== "string") return [];
  const range = value.split(",").join(" ");
  return parseRange(range, true) ? [range] : [];
}

/** [requires] python_full_version, else python_version, of a Pipfile. */
export function versionsFromPipfile(text: string): string[] {
  const requires = lookup(parseToml(text.replace(/\r\n/g, "\n")), ["requires"]);
  if (typeof requires !== "object" || requires === null) return [];
  const fields = requires as Record<string, unknown>;
  const value = "python_full_version" in fields ? fields["python_full_version"] : fields["python_version"];
  return typeof value === "string" ? [value] : [];
}

/** The versions a python-version-file names, chosen by its name as the action chooses. */
export function versionsFromFile(name: string, text: string): string[] {
  if (name.endsWith(".toml")) return versionsFromPyproject(text);
  // The action tests these names with String.match, so the dot matches any character.
  if (/.tool-versions/.test(name)) return versionsFromToolVersions(text);
  if (/Pipfile/.test(name)) return versionsFromPipfile(text);
  return versionsFromPlainFile(text);
}

export interface PythonRequest {
  /** As written in the workflow. */
  input: string;
  /** The semantic version or range it stands for. */
  spec: string;
  freethreaded: boolean;
}

/**
 * setup-python's reading of a version: `3.13t` asks for a free-threaded build, `3.13-dev`
 * for any 3.13 including prereleases, `3.13.0rc1` is the semantic `3.13.0-rc.1`, and with
 * allow-prereleases a bare `3.13` admits 3.13 prereleases.
 */
export function pythonRequest(input: string, allowPrereleases: boolean, freethreaded: boolean): PythonRequest {
  let version = input;
  let threaded = freethreaded;
  const ft = /^(\d+\.\d+(?:\.\d+)?)t$/.exec(version) ?? /^(\d+\.\d+)t(-dev)$/.exec(version);
  if (ft) {
    version = `${ft[1] ?? ""}${ft[2] ?? ""}`;
    threaded = true;
  }
  version = version.replace(/^(\d+)\.(\d+)-dev$/, "~$1.$2.0-0");
  version = version.replace(/(\d+\.\d+\.\d+)((?:a|b|rc)\d*)/g, "$1-$2");
  if (allowPrereleases) version = version.replace(/^(\d+)\.(\d+)$/, "~$1.$2.0-0");
  // Python's own prerelease names, spelled as the tool cache spells them (3.13.0-rc.1).
  const names: Record<string, string> = { a: "alpha", alpha: "alpha", b: "beta", beta: "beta", rc: "rc" };
  version = version.replace(/-(alpha|beta|rc|a|b)\.?(\d+)/g, (_, kind: string, n: string) => `-${names[kind] ?? kind}.${n}`);
  return { input, spec: version, freethreaded: threaded };
}

/** The interpreter a request resolves to: the exact version, or the highest one in the range. */
export function resolvePython<T extends Pick<PythonInterpreter, "version" | "freethreaded">>(
  request: PythonRequest,
  interpreters: readonly T[],
): T | undefined {
  const eligible = interpreters.filter((i) => i.freethreaded === request.freethreaded);
  const versions = eligible.map((i) => parseVersion(i.version) ?? ({ major: -1, minor: 0, patch: 0, prerelease: [] } satisfies SemVer));
  return eligible[findVersion(versions, request.spec)];
}

/** Distinct installed versions, lowest first, free-threaded builds marked with a t. */
export function installedVersions(interpreters: readonly PythonInterpreter[]): string[] {
  const sorted = [...interpreters].sort((a, b) => {
    const x = parseVersion(a.version);
    const y = parseVersion(b.version);
    return (x && y ? compareVersions(x, y) : a.version.localeCompare(b.version)) || Number(a.freethreaded) - Number(b.freethreaded);
  });
  return [...new Set(sorted.map((i) => `${i.version}${i.freethreaded ? "t" : ""}`))];
}

/** What a request names, and what the machine has instead, for messages. */
export function describeMissing(request: PythonRequest, interpreters: readonly PythonInterpreter[]): { what: string; installed: string } {
  const installed = installedVersions(interpreters);
  const what = `Python ${request.input}${request.freethreaded && !/t(-dev)?$/.test(request.input) ? " (free-threaded)" : ""}`;
  // YAML reads an unquoted 3.10 as the number 3.1.
  const hint =
    /^\d+\.\d$/.test(request.input) && installed.some((v) => v.startsWith(`${request.input}0`))
      ? `; an unquoted ${request.input}0 in YAML is the number ${request.input}, quote the version`
      : "";
  return { what, installed: `installed: ${installed.length > 0 ? installed.join(", ") : "none"}${hint}` };
}
