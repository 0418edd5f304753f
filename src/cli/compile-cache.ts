// Node's on-disk cache of compiled modules (module.enableCompileCache, Node 22.1 and later): a later
// start reuses the compiled code of tierci's modules instead of compiling them again. The directory
// is per user and must be writable by that user alone, since whoever can write to it chooses the
// code tierci runs.
import { lstatSync, mkdirSync } from "node:fs";
import Module from "node:module";
import { homedir, tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";

export interface CacheEnvironment {
  env: NodeJS.ProcessEnv;
  home: string;
  tmp: string;
  /** Undefined where processes have no user id (Windows). */
  uid: number | undefined;
}

type EnableCompileCache = (directory: string) => unknown;

/** Where the cache may go, best first: the user's cache directory, then a directory of this user's own in the temporary one. */
export function cacheDirCandidates(e: CacheEnvironment): string[] {
  const dirs: string[] = [];
  const xdg = e.env["XDG_CACHE_HOME"];
  if (xdg !== undefined && isAbsolute(xdg)) dirs.push(join(xdg, "tierci", "compile-cache"));
  if (e.home !== "" && isAbsolute(e.home)) dirs.push(join(e.home, ".cache", "tierci", "compile-cache"));
  if (e.uid !== undefined) dirs.push(join(e.tmp, `tierci-compile-cache-${e.uid}`));
  return dirs;
}

/** Creates `dir` (mode 0700) if it is missing; true when it is a real directory, owned by `uid`, that no one else may write to. */
export function isPrivateDir(dir: string, uid: number | undefined): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    if (!stat.isDirectory()) return false;
    return uid === undefined || (stat.uid === uid && (stat.mode & 0o022) === 0);
  } catch {
    return false;
  }
}

function currentEnvironment(): CacheEnvironment {
  let home = "";
  try {
    home = homedir();
  } catch {
    // No home directory for this user: the temporary directory remains.
  }
  return { env: process.env, home, tmp: tmpdir(), uid: process.getuid?.() };
}

/** The directory to cache in, or undefined when the user's settings say otherwise or no candidate is private. */
export function compileCacheDir(e: CacheEnvironment): string | undefined {
  // The user's own setting wins: Node has already applied NODE_COMPILE_CACHE, and NODE_DISABLE_COMPILE_CACHE turns the cache off.
  if (e.env["NODE_COMPILE_CACHE"] || e.env["NODE_DISABLE_COMPILE_CACHE"]) return undefined;
  return cacheDirCandidates(e).find((dir) => isPrivateDir(dir, e.uid));
}

/** Turns the cache on where this Node has it. */
export function enableCompileCache(): void {
  const enable = (Module as unknown as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (enable === undefined) return;
  const dir = compileCacheDir(currentEnvironment());
  if (dir !== undefined) enable(dir);
}
