// Which files actions/upload-artifact takes for a `path` input, and the directory they are stored
// relative to. The action hands `path` to @actions/glob (follow symbolic links, implicit
// descendants, omit broken links, and since v4.4 skip hidden files unless include-hidden-files)
// and keeps the non-directories. The root is the least common ancestor of the patterns' search
// paths (the literal part before the first glob segment); with one search path that is the root,
// except that a single file named literally is stored without its directories.
// @actions/glob itself is not used: it prints `::debug::` commands on standard output.
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { compileSegment, GLOBSTAR, MATCH_FILE, matchKind, partiallyMatches, type Segment, type SegmentPattern } from "../../glob/segments.js";

interface Pattern extends SegmentPattern {
  searchPath: string;
}

export interface SearchOptions {
  /** Relative patterns start here (the action's working directory, the workspace). */
  cwd: string;
  /** What `~` stands for. */
  home: string;
  includeHiddenFiles: boolean;
  log(line: string): void;
}

export interface UploadSearch {
  /** Absolute paths of the files, in the order the globber met them. */
  files: string[];
  rootDirectory: string;
}

/** Thrown for a pattern @actions/glob refuses, with its message. */
export class PatternError extends Error {}

export async function findFilesToUpload(pathInput: string, opts: SearchOptions): Promise<UploadSearch> {
  const patterns = pathInput
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => parsePattern(l, opts));
  const searchPaths = searchPathsOf(patterns);
  const files = await walk(withDescendants(patterns), searchPaths, opts.includeHiddenFiles);

  const seen = new Set<string>();
  for (const file of files) {
    const key = file.toLowerCase();
    if (seen.has(key)) opts.log(`Uploads are case insensitive: ${file} was detected that it will be overwritten by another file with the same path`);
    seen.add(key);
  }

  if (searchPaths.length > 1) {
    opts.log("Multiple search paths detected. Calculating the least common ancestor of all paths");
    const lca = leastCommonAncestor(searchPaths);
    opts.log(`The least common ancestor is ${lca}. This will be the root directory of the artifact`);
    return { files, rootDirectory: lca };
  }
  const only = files[0];
  if (files.length === 1 && only !== undefined && searchPaths[0] === only) return { files, rootDirectory: dirname(only) };
  return { files, rootDirectory: searchPaths[0] ?? opts.cwd };
}

function parsePattern(line: string, opts: SearchOptions): Pattern {
  let text = line;
  let negate = false;
  while (text.startsWith("!")) {
    negate = !negate;
    text = text.slice(1).trim();
  }
  if (!text) throw new PatternError(`Invalid pattern '${line}'. The pattern is empty.`);
  const parts = text.split("/").filter((s) => s !== "");
  parts.forEach((part, i) => {
    if (part === ".." || (part === "." && (i > 0 || text.startsWith("/")))) {
      throw new PatternError(`Invalid pattern '${text}'. Relative pathing '.' and '..' is not allowed.`);
    }
  });
  let base: string[];
  if (text.startsWith("/")) base = [];
  else if (parts[0] === "~") {
    base = splitPath(opts.home);
    parts.shift();
  } else {
    base = splitPath(opts.cwd);
    if (parts[0] === ".") parts.shift();
  }
  const segments: Segment[] = [...base];
  for (const part of parts) {
    const segment = compileSegment(part);
    // Consecutive `**` mean the same as one and would make matching exponential.
    if (segment !== GLOBSTAR || segments.at(-1) !== GLOBSTAR) segments.push(segment);
  }
  const literal: string[] = [];
  for (const s of segments) {
    if (typeof s !== "string") break;
    literal.push(s);
  }
  return { negate, segments, directoryOnly: text.endsWith("/"), searchPath: joinPath(literal) };
}

/** A pattern also matches everything below what it names (implicitDescendants). */
function withDescendants(patterns: Pattern[]): Pattern[] {
  return patterns.flatMap((p) =>
    p.directoryOnly || p.segments.at(-1) !== GLOBSTAR ? [p, { ...p, segments: [...p.segments, GLOBSTAR], directoryOnly: false }] : [p],
  );
}

/** The patterns' search paths in order, without duplicates or paths below another one. */
function searchPathsOf(patterns: Pattern[]): string[] {
  const positive = patterns.filter((p) => !p.negate);
  const candidates = new Set(positive.map((p) => p.searchPath));
  const result: string[] = [];
  for (const { searchPath } of positive) {
    if (result.includes(searchPath)) continue;
    let below = false;
    for (let parent = dirname(searchPath), child = searchPath; parent !== child && !below; child = parent, parent = dirname(parent)) {
      below = candidates.has(parent);
    }
    if (!below) result.push(searchPath);
  }
  return result;
}

async function walk(patterns: Pattern[], searchPaths: string[], includeHidden: boolean): Promise<string[]> {
  const stack: { path: string; level: number }[] = [];
  for (const searchPath of searchPaths) {
    if (await lstat(searchPath).catch(missing)) stack.unshift({ path: searchPath, level: 1 });
  }
  const files: string[] = [];
  // Real paths of the directories on the current branch, to stop at symbolic link cycles.
  const chain: string[] = [];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const segments = splitPath(item.path);
    const match = matchKind(patterns, segments);
    const partial = match !== 0 || patterns.some((p) => !p.negate && partiallyMatches(p.segments, segments));
    if (!partial) continue;
    const stats = await stat(item.path).catch(missing);
    if (!stats) continue;
    if (!includeHidden && basename(item.path).startsWith(".")) continue;
    if (stats.isDirectory()) {
      const real = await realpath(item.path);
      chain.length = Math.min(chain.length, item.level - 1);
      if (chain.includes(real)) continue;
      chain.push(real);
      const names = await readdir(item.path);
      for (const name of names.reverse()) stack.push({ path: `${item.path === "/" ? "" : item.path}/${name}`, level: item.level + 1 });
    } else if (match & MATCH_FILE) {
      files.push(item.path);
    }
  }
  return files;
}

function missing(err: NodeJS.ErrnoException): undefined {
  // Gone, or a broken symbolic link: the action omits both.
  if (err.code === "ENOENT") return undefined;
  throw err;
}

function leastCommonAncestor(paths: string[]): string {
  const split = paths.map(splitPath);
  const common: string[] = [];
  for (let i = 0; split.every((s) => s[i] !== undefined && s[i] === split[0]?.[i]); i++) common.push(split[0]?.[i] as string);
  return joinPath(common);
}

function splitPath(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

function joinPath(segments: string[]): string {
  return `/${segments.join("/")}`;
}
