// Which uv is here and which one a workflow asks for: finding the machine's uv, its version, and
// the version setup-uv reads from its input or a file (.tool-versions, uv.toml, pyproject.toml,
// requirements files), compared as uv compares versions.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { findExecutable, isExecutable, machineHome } from "./common.js";

/** The uv of the machine: on the job's PATH, else where uv's installers put it. */
export function findUv(pathValue: string, home = machineHome()): string | undefined {
  const onPath = findExecutable("uv", pathValue);
  if (onPath) return onPath;
  const dirs = [process.env["XDG_BIN_HOME"], join(home, ".local", "bin"), join(home, ".cargo", "bin")];
  return dirs.map((d) => (d ? join(d, "uv") : "")).find((p) => p !== "" && isExecutable(p));
}

/** `uv 0.5.1 (f399a5271 2024-11-08)` -> 0.5.1 */
export function parseUvVersion(output: string): string | undefined {
  return /^uv\s+v?(\d+(?:\.\d+)*(?:[-.+]?\w+)*)/m.exec(output.trim())?.[1];
}

function release(version: string): number[] | undefined {
  const m = /^v?(\d+(?:\.\d+)*)/.exec(version.trim());
  return m?.[1]?.split(".").map(Number);
}

function compareRelease(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * Whether an installed uv version meets a request: `latest`, an exact version, or a PEP 440
 * specifier set (`>=0.4,<0.6`, `==0.5.*`, `~=0.5.0`). undefined when the request cannot be
 * read, so that nothing is claimed about it.
 */
export function uvVersionSatisfies(installed: string, request: string): boolean | undefined {
  const have = release(installed);
  if (!have) return undefined;
  const wanted = request.trim();
  if (wanted === "" || wanted === "latest" || wanted === "latest-known") return true;
  if (/^v?\d+(\.\d+)*$/.test(wanted)) return compareRelease(have, release(wanted) ?? []) === 0;
  for (const clause of wanted.split(",")) {
    const m = /^\s*(===|==|!=|~=|>=|<=|>|<)\s*v?(\d+(?:\.\d+)*)(\.\*)?\s*$/.exec(clause);
    if (!m) return undefined;
    const [, op = "", text = "", star] = m;
    const version = release(text) ?? [];
    const prefixMatch = compareRelease(have.slice(0, version.length), version) === 0;
    const cmp = compareRelease(have, version);
    let ok: boolean;
    switch (op) {
      case "==":
      case "===":
        ok = star ? prefixMatch : cmp === 0;
        break;
      case "!=":
        ok = star ? !prefixMatch : cmp !== 0;
        break;
      case "~=":
        ok = version.length >= 2 && cmp >= 0 && compareRelease(have.slice(0, version.length - 1), version.slice(0, -1)) === 0;
        break;
      case ">=":
        ok = cmp >= 0;
        break;
      case "<=":
        ok = cmp <= 0;
        break;
      case ">":
        ok = cmp > 0;
        break;
      default:
        ok = cmp < 0;
    }
    if (!ok) return false;
  }
  return true;
}

export function tomlValue(path: string, key: string): string | undefined {
  const config = parseToml(readFileSync(path, "utf8")) as { tool?: { uv?: Record<string, unknown> } } & Record<string, unknown>;
  const value = path.endsWith("pyproject.toml") ? config.tool?.uv?.[key] : config[key];
  return typeof value === "string" ? value : undefined;
}

/** The uv version a file asks for, read as setup-uv reads .tool-versions, uv.toml, pyproject.toml and requirements files. */
export function uvVersionFromFile(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  if (path.endsWith(".tool-versions")) {
    for (const line of readFileSync(path, "utf8").split("\n")) {
      const [tool, ...versions] = (line.split("#", 1)[0] ?? "").trim().split(/\s+/);
      if (tool === "uv") return versions.length === 1 ? versions[0]?.replace(/^v/, "") : undefined;
    }
    return undefined;
  }
  if (path.endsWith(".toml")) return tomlValue(path, "required-version");
  if (path.endsWith(".txt")) {
    const pinned = /^\s*uv\s*(==|>=|<=|~=|!=|<|>)\s*([^\s;#]+)/m.exec(readFileSync(path, "utf8"));
    return pinned ? `${pinned[1]}${pinned[2]}` : undefined;
  }
  return undefined;
}
