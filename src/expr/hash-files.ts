// hashFiles() as GitHub's runner computes it. The runner hands the patterns to @actions/glob
// (relative to the workspace, `!` negation applied in order, a pattern also matching everything
// below what it names), hashes each match in the order the globber yields it (search paths in
// pattern order, then depth first in readdir order), skips directories and paths lexically
// outside the workspace, and returns the SHA-256 over the matched files' SHA-256 digests.
// Unlike the runner, `.git` directories are not searched. Synchronous, because the expression
// evaluator is.
import { createHash } from "node:crypto";
import { closeSync, lstatSync, openSync, readSync, readdirSync, realpathSync, statSync, type Stats } from "node:fs";
import { homedir } from "node:os";
import { resolve } from "node:path";
import { compileSegment, GLOBSTAR, MATCH_FILE, matchKind, partiallyMatches, type Segment, type SegmentPattern } from "../glob/segments.js";

type Pattern = SegmentPattern;

export function hashFiles(workspace: string, args: string[]): string {
  let follow = false;
  let patterns = args;
  const option = args[0];
  if (option?.startsWith("--")) {
    if (option.toLowerCase() !== "--follow-symbolic-links") {
      throw new Error(`Invalid glob option ${option}, available option: '--follow-symbolic-links'.`);
    }
    follow = true;
    patterns = args.slice(1);
  }
  const root = resolve(workspace);
  try {
    return hashMatches(root, patterns, follow);
  } catch (e) {
    const listed = patterns.join(", ").replace(/'/g, "''");
    throw new Error(`hashFiles('${listed}') failed. Fail to hash files under directory '${root}': ${(e as Error).message}`, {
      cause: e,
    });
  }
}

function hashMatches(root: string, lines: string[], follow: boolean): string {
  const workspace = splitPath(root);
  const patterns: Pattern[] = [];
  for (const line of lines
    .join("\n")
    .split("\n")
    .map((l) => l.trim())) {
    if (!line || line.startsWith("#")) continue;
    const pattern = parsePattern(line, workspace);
    patterns.push(pattern);
    if (pattern.directoryOnly || pattern.segments.at(-1) !== GLOBSTAR) {
      patterns.push({ negate: pattern.negate, segments: [...pattern.segments, GLOBSTAR], directoryOnly: false });
    }
  }

  const result = createHash("sha256");
  let found = false;
  const stack = searchPaths(patterns)
    .reverse()
    .map((segments) => ({ segments, level: 1 }));
  // Real paths of the directories on the current branch, to stop at symlink cycles.
  const chain: string[] = [];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { segments, level } = item;
    const inside = startsWith(segments, workspace);
    const aboveWorkspace = !inside && startsWith(workspace, segments);
    // Nothing outside the workspace is hashed, so only the way down to it is worth walking.
    if (!inside && !aboveWorkspace) continue;
    const match = matchKind(patterns, segments);
    if (!match && !patterns.some((p) => !p.negate && partiallyMatches(p.segments, segments))) continue;

    const path = joinPath(segments);
    const stats = statItem(path, follow);
    if (!stats) continue;
    if (stats.isDirectory()) {
      if (follow && isCycle(path, level, chain)) continue;
      const names = aboveWorkspace ? [workspace[segments.length] as string] : readdirSync(path).filter((n) => n !== ".git");
      for (const name of names.reverse()) stack.push({ segments: [...segments, name], level: level + 1 });
    } else if (match & MATCH_FILE && segments.length > workspace.length) {
      // The runner stats every match following links, so a link counts as what it points to.
      if (statSync(path).isFile()) {
        result.update(fileDigest(path));
        found = true;
      }
    }
  }
  return found ? result.digest("hex") : "";
}

function parsePattern(line: string, workspace: string[]): Pattern {
  let text = line;
  let negate = false;
  while (text.startsWith("!")) {
    negate = !negate;
    text = text.slice(1).trim();
  }
  if (!text) throw new Error(`Invalid pattern '${line}'. The pattern is empty.`);
  const absolute = text.startsWith("/");
  const parts = splitPath(text);
  // The root of an absolute pattern counts as its first segment.
  parts.forEach((part, i) => {
    if (part === ".." || (part === "." && (i > 0 || absolute))) {
      throw new Error(`Invalid pattern '${text}'. Relative pathing '.' and '..' is not allowed.`);
    }
  });
  let base = workspace;
  if (absolute) base = [];
  else if (parts[0] === "~") {
    base = splitPath(homedir());
    parts.shift();
  } else if (parts[0] === ".") parts.shift();
  const segments: Segment[] = [...base];
  for (const part of parts) {
    const segment = compileSegment(part);
    // Collapsed, so that matching stays linear in the number of `**`.
    if (segment !== GLOBSTAR || segments.at(-1) !== GLOBSTAR) segments.push(segment);
  }
  return { negate, segments, directoryOnly: text.endsWith("/") };
}

/** The literal directories the patterns start from, in pattern order, without ones below another. */
function searchPaths(patterns: Pattern[]): string[][] {
  const candidates = patterns.filter((p) => !p.negate).map((p) => literalPrefix(p.segments));
  const keys = new Set(candidates.map(joinPath));
  const included = new Set<string>();
  const result: string[][] = [];
  for (const candidate of candidates) {
    const key = joinPath(candidate);
    if (included.has(key)) continue;
    let below = false;
    for (let n = candidate.length - 1; n >= 0 && !below; n--) below = keys.has(joinPath(candidate.slice(0, n)));
    if (below) continue;
    included.add(key);
    result.push(candidate);
  }
  return result;
}

function literalPrefix(segments: Segment[]): string[] {
  const prefix: string[] = [];
  for (const segment of segments) {
    if (typeof segment !== "string") break;
    prefix.push(segment);
  }
  return prefix;
}

function statItem(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch (e) {
    // Gone, or (when following links) a broken link: @actions/glob passes over both.
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

function isCycle(path: string, level: number, chain: string[]): boolean {
  const real = realpathSync(path);
  chain.length = Math.min(chain.length, level - 1);
  if (chain.includes(real)) return true;
  chain.push(real);
  return false;
}

const chunk = Buffer.alloc(1 << 16);

function fileDigest(path: string): Buffer {
  const hash = createHash("sha256");
  const fd = openSync(path, "r");
  try {
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) hash.update(chunk.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest();
}

function splitPath(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

function joinPath(segments: string[]): string {
  return `/${segments.join("/")}`;
}

function startsWith(path: string[], prefix: string[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => path[i] === s);
}
