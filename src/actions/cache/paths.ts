// The `path` input of the cache actions: multi-line patterns with globs, `!` excludes and
// `~`, resolved as @actions/glob does (dot files match, no braces or extglobs, a line
// starting with `#` is a comment). A matched directory brings its whole tree, as tar does
// for the real action; unlike tar, an exclude also removes what it matches inside a matched
// directory, which is what the action's documentation promises (`~/.nuget/packages` with
// `!~/.nuget/packages/unwanted`).
import { homedir } from "node:os";
import { posix } from "node:path";
import picomatch from "picomatch";

/**
 * The lines of a multi-line input, trimmed as actions/cache does (`! x` means `!x`). Comment
 * lines stay: GitHub's cache version hashes them with the rest.
 */
export function pathLines(input: string): string[] {
  return input
    .split("\n")
    .map((s) => s.replace(/^!\s+/, "!").trim())
    .filter((s) => s !== "");
}

export interface PathContext {
  workspace: string;
  home: string;
  /** Never cached: tierci's own state, which lies inside the workspace when a job runs in place. */
  skip?: string[];
}

export interface Pattern {
  negate: boolean;
  /** Absolute path of the part before the first segment with a glob character. */
  base: string;
  /** Matches paths relative to `base`; null when the pattern is a plain path. */
  match: ((rel: string) => boolean) | null;
  dirOnly: boolean;
}

/**
 * A directory entries are stored relative to: `spec` is as written (`.`, `~/.cache`,
 * `/opt/x`, `../shared`), so an entry restores into another job's workspace or HOME.
 */
export interface CacheRoot {
  spec: string;
  abs: string;
}

export interface CompiledPaths {
  patterns: Pattern[];
  roots: CacheRoot[];
}

const GLOB_CHARS = /[*?[]/;

function expand(line: string, ctx: PathContext): { spec: string; abs: string } {
  let spec = line;
  let abs: string;
  if (spec === "~" || spec.startsWith("~/")) {
    const rest = posix.normalize(spec.slice(2) || ".");
    spec = rest === "." ? "~" : `~/${rest}`;
    abs = posix.join(ctx.home || homedir(), rest);
  } else if (posix.isAbsolute(spec)) {
    spec = posix.normalize(spec);
    abs = spec;
  } else {
    spec = posix.normalize(spec);
    abs = posix.join(ctx.workspace, spec);
  }
  return { spec: stripSlash(spec), abs: stripSlash(abs) };
}

/** The parent of a spec, still saying what it is relative to (`~/x` -> `~`, `.` -> `..`). */
function parentSpec(spec: string): string {
  if (spec === "~") return "~/..";
  if (spec.startsWith("~/")) {
    const parent = posix.normalize(`${spec.slice(2)}/..`);
    return parent === "." ? "~" : `~/${parent}`;
  }
  return posix.normalize(`${spec}/..`);
}

const stripSlash = (p: string): string => (p.length > 1 && p.endsWith("/") ? p.slice(0, -1) : p);

/** Splits a pattern at its first glob segment: the literal prefix and the glob remainder. */
function splitGlob(p: string): { literal: string; rest: string | null } {
  const segments = p.split("/");
  const at = segments.findIndex((s) => GLOB_CHARS.test(s));
  if (at < 0) return { literal: p, rest: null };
  const literal = segments.slice(0, at).join("/") || (p.startsWith("/") ? "/" : ".");
  return { literal, rest: segments.slice(at).join("/") };
}

export function inside(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent === "/" ? "/" : `${parent}/`);
}

/** Patterns and the roots their matches are stored under; depends only on the lines and ctx. */
export function compilePaths(lines: string[], ctx: PathContext): CompiledPaths {
  const patterns: Pattern[] = [];
  const rootSpecs: { spec: string; abs: string }[] = [];
  for (const raw of lines) {
    if (raw.startsWith("#")) continue;
    const negate = raw.startsWith("!");
    const body = negate ? raw.slice(1) : raw;
    if (body === "") continue;
    const dirOnly = body.endsWith("/") && body.length > 1;
    const { spec, abs } = expand(body, ctx);
    const specSplit = splitGlob(spec);
    const absSplit = splitGlob(abs);
    const base = absSplit.rest === null ? abs : absSplit.literal;
    const rest = absSplit.rest;
    const match = rest === null ? null : picomatch(rest, { dot: true, nobrace: true, noextglob: true, nonegate: true });
    patterns.push({ negate, base, match, dirOnly });
    if (negate) continue;
    // A plain path is stored under its parent, so that the path itself (its name and mode)
    // is part of the entry.
    if (specSplit.rest === null) rootSpecs.push({ spec: parentSpec(spec), abs: posix.dirname(abs) });
    else rootSpecs.push({ spec: specSplit.literal, abs: absSplit.literal });
  }
  // In the order of the patterns; a root inside another is merged into it.
  let roots: CacheRoot[] = [];
  for (const r of rootSpecs) {
    if (roots.some((o) => inside(o.abs, r.abs))) continue;
    roots = roots.filter((o) => !inside(r.abs, o.abs));
    roots.push(r);
  }
  return { patterns, roots };
}

export type ItemType = "file" | "dir" | "symlink";

/** What a save needs of lstat(2), in a form that crosses to and from worker threads. */
export interface ItemStat {
  dev: number;
  ino: number;
  mode: number;
  size: number;
  /** Milliseconds with a fraction (sub-microsecond steps): what the stat cache compares. */
  mtime: number;
  ctime: number;
}

export interface FoundItem {
  abs: string;
  root: number;
  rel: string;
  type: ItemType;
  stat: ItemStat;
}
