// Finds a repository's dependency files and reads the pinned packages out of each.
import { appendAll } from "../../util/large-arrays.js";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import type { Dependency, AuditNote, ParseResult } from "./manifest.js";
import { parsePackageLock, parsePnpmLock, parseYarnLock } from "./npm-files.js";
import { parsePipfileLock, parsePoetryLock, parsePyproject, parseUvLock } from "./python-files.js";
import { parseRequirements } from "./requirements.js";

export interface Collected {
  /** Repository-relative paths of the files read, in the order read. */
  files: string[];
  dependencies: Dependency[];
  notes: AuditNote[];
}

// Installed trees, tool caches and virtual environments hold other projects' files.
const SKIPPED_DIRS = new Set([
  ".git",
  ".hg",
  ".svn",
  ".tierci",
  "node_modules",
  "bower_components",
  ".venv",
  "venv",
  "__pycache__",
  ".tox",
  ".nox",
  ".mypy_cache",
  ".pytest_cache",
  ".ruff_cache",
  "site-packages",
  ".yarn",
  ".pnpm-store",
]);

const LOCKFILES: Record<string, (text: string, file: string) => ParseResult> = {
  "uv.lock": parseUvLock,
  "poetry.lock": parsePoetryLock,
  "Pipfile.lock": parsePipfileLock,
  "package-lock.json": parsePackageLock,
  "npm-shrinkwrap.json": parsePackageLock,
  "pnpm-lock.yaml": parsePnpmLock,
  "yarn.lock": parseYarnLock,
};

// A lockfile beside pyproject.toml records exactly what its ranges resolved to.
const PYPROJECT_LOCKS = ["uv.lock", "poetry.lock"];

function isRequirementsFile(path: string): boolean {
  const name = basename(path);
  return name.endsWith(".txt") && (/^requirements/i.test(name) || basename(dirname(path)) === "requirements");
}

function walk(root: string, dir: string, out: string[]): void {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const rel = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) walk(root, rel, out);
    } else if (entry.isFile() && (entry.name in LOCKFILES || entry.name === "pyproject.toml" || isRequirementsFile(rel))) out.push(rel);
  }
}

function findDependencyFiles(root: string): string[] {
  const files: string[] = [];
  walk(root, "", files);
  return files;
}

function collectFile(root: string, file: string, collected: Collected, visited: Set<string>): void {
  const take = (files: string[], result: ParseResult): void => {
    appendAll(collected.files, files);
    appendAll(collected.dependencies, result.dependencies);
    appendAll(collected.notes, result.notes);
  };
  const name = basename(file);
  if (name.endsWith(".txt")) {
    // Includes are read with the file that includes them, and only once.
    const before = visited.size;
    const result = parseRequirements(root, file, visited);
    take(
      [...visited].slice(before).map((p) => relative(root, p).split("\\").join("/")),
      result,
    );
    return;
  }
  const text = readFileSync(join(root, file), "utf8");
  if (name === "pyproject.toml") {
    const lock = PYPROJECT_LOCKS.find((l) => existsSync(join(root, dirname(file), l)));
    if (lock) collected.notes.push({ file, message: `pinned versions are read from ${lock} beside it` });
    else take([file], parsePyproject(text, file));
    return;
  }
  const parse = LOCKFILES[name];
  if (parse) take([file], parse(text, file));
}

/** Every dependency file under `root`, the repository's own trees only. */
export function collectDependencies(root: string): Collected {
  return collectFiles(root, findDependencyFiles(root));
}

/**
 * The named files (repository-relative), as a dependency file of their kind; a `.txt` file is read
 * as a requirements file whatever its name, since a user who names it means it as one.
 */
export function collectFiles(root: string, files: string[]): Collected {
  const collected: Collected = { files: [], dependencies: [], notes: [] };
  const visited = new Set<string>();
  for (const file of files) collectFile(root, file, collected, visited);
  return collected;
}
