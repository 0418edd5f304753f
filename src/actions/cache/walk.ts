// Finding what the cache's path patterns select: every file, directory and symbolic link, each
// once, with the root it is stored under. Synchronous: it runs on the worker threads of the
// file pool, where one lstat costs a few microseconds instead of a trip through libuv's pool.
// A large tree is walked in parts: the first walk stops a few levels down and hands back the
// directories there, which other threads walk at once.
import { lstatSync, readdirSync, type Stats } from "node:fs";
import { compilePaths, inside, type FoundItem, type ItemStat, type ItemType, type PathContext, type Pattern } from "./paths.js";

/** A directory whose contents are left to another walk, and whether it was selected itself. */
export interface Unwalked {
  dir: string;
  selected: boolean;
}

export interface WalkPart {
  items: FoundItem[];
  /** Empty when the walk went all the way down. */
  unwalked: Unwalked[];
}

/** null: no pattern matches the path itself; else whether the last one to match includes it. */
function decide(patterns: Pattern[], abs: string, isDir: boolean): boolean | null {
  let state: boolean | null = null;
  for (const p of patterns) {
    if (p.dirOnly && !isDir) continue;
    let hit: boolean;
    if (p.match === null) hit = abs === p.base;
    else hit = abs !== p.base && inside(p.base, abs) && p.match(abs.slice(p.base === "/" ? 1 : p.base.length + 1));
    if (hit) state = !p.negate;
  }
  return state;
}

function typeOf(s: Stats): ItemType | null {
  if (s.isSymbolicLink()) return "symlink";
  if (s.isFile()) return "file";
  if (s.isDirectory()) return "dir";
  return null;
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/** The order a save lists its items in: by root, then by path. */
export function sortItems(items: FoundItem[]): FoundItem[] {
  return items.sort((a, b) => a.root - b.root || (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/**
 * One walk's state; directories `stopDepth` levels below a start are recorded but not read.
 * Starts inside one another (where the walk from one start decides what another sees) are
 * walked whole.
 */
function walker(lines: string[], ctx: PathContext, stopDepth: number) {
  const { patterns, roots } = compilePaths(lines, ctx);
  const starts = [...new Set(patterns.filter((p) => !p.negate).map((p) => p.base))].sort();
  const stopAt = starts.some((a) => starts.some((b) => a !== b && inside(a, b))) ? Infinity : stopDepth;
  const found = new Map<string, FoundItem>();
  const walked = new Set<string>();
  const unwalked: Unwalked[] = [];
  // A directory that is not itself selected is walked only when a glob could match below it.
  const globBases = patterns.filter((p) => !p.negate && p.match !== null).map((p) => p.base);
  const mayMatchBelow = (dir: string): boolean => globBases.some((b) => inside(b, dir));

  const record = (abs: string, type: ItemType, s: Stats): void => {
    if (found.has(abs)) return;
    const root = roots.findIndex((r) => inside(r.abs, abs) && r.abs !== abs);
    if (root < 0) return;
    const base = roots[root]?.abs ?? "/";
    const stat: ItemStat = { dev: s.dev, ino: s.ino, mode: s.mode, size: s.size, mtime: s.mtimeMs, ctime: s.ctimeMs };
    found.set(abs, { abs, root, rel: abs.slice(base === "/" ? 1 : base.length + 1), type, stat });
  };

  const skip = new Set(ctx.skip);
  const readChildren = (abs: string, selected: boolean, depth: number): void => {
    let names: string[];
    try {
      names = readdirSync(abs);
    } catch {
      return;
    }
    for (const n of names) {
      const child = abs === "/" ? `/${n}` : `${abs}/${n}`;
      const cs = lstatOrNull(child);
      if (cs) visit(child, cs, selected, depth + 1);
    }
  };
  const visit = (abs: string, s: Stats, inherited: boolean, depth: number): void => {
    const type = typeOf(s);
    if (type === null || skip.has(abs)) return;
    const selected = decide(patterns, abs, type === "dir") ?? inherited;
    if (selected) record(abs, type, s);
    if (type !== "dir" || walked.has(abs) || !(selected || mayMatchBelow(abs))) return;
    walked.add(abs);
    if (depth >= stopAt) unwalked.push({ dir: abs, selected });
    else readChildren(abs, selected, depth);
  };

  const fromStarts = (): void => {
    for (const start of starts) {
      if (walked.has(start)) continue;
      const s = lstatOrNull(start);
      if (s) visit(start, s, false, 0);
    }
  };
  return { fromStarts, readChildren, items: () => [...found.values()], unwalked };
}

/** Everything the patterns select, each once, sorted by root and path. */
export function walkSync(lines: string[], ctx: PathContext): FoundItem[] {
  const w = walker(lines, ctx, Infinity);
  w.fromStarts();
  return sortItems(w.items());
}

/**
 * The first part of a walk in parts: everything down to `depth` levels below the starts, and
 * the directories there still to read (none when starts nest).
 */
export function walkTopSync(lines: string[], ctx: PathContext, depth: number): WalkPart {
  const w = walker(lines, ctx, depth);
  w.fromStarts();
  return { items: w.items(), unwalked: w.unwalked };
}

/** The rest of a walk in parts: the trees below directories walkTopSync left unread. */
export function walkBelowSync(lines: string[], ctx: PathContext, dirs: Unwalked[]): FoundItem[] {
  const w = walker(lines, ctx, Infinity);
  for (const d of dirs) w.readChildren(d.dir, d.selected, 0);
  return w.items();
}
