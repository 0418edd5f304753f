// Restoring and saving caches for built-in actions: actions/cache and the `cache:` input of
// the setup actions. Messages are @actions/cache's, so logs read as they do on GitHub.
import { createHash } from "node:crypto";
import { join, resolve } from "node:path";
import { BuiltinFailure, type BuiltinRun } from "../builtin-types.js";
import { compilePaths, type FoundItem, type PathContext } from "./paths.js";
import { POOL_SIZE, chunks, filePool } from "./pool.js";
import { formatSize } from "../../util/format-size.js";
import { CacheStoreError } from "./limits.js";
import { CacheStore, existsMessage, type SaveResult } from "./store.js";
import { sortItems } from "./walk.js";

export { pathLines } from "./paths.js";

export interface RestoreOptions {
  key: string;
  restoreKeys: string[];
  /** Path patterns, one per element (see pathLines for a multi-line input). */
  paths: string[];
  /** Find the entry without restoring it. */
  lookupOnly?: boolean;
}

export interface SaveOptions {
  key: string;
  paths: string[];
}

export function cacheStore(run: Pick<BuiltinRun, "stateDir">): CacheStore {
  try {
    return new CacheStore(join(run.stateDir, "cache"));
  } catch (err) {
    if (err instanceof CacheStoreError) throw new BuiltinFailure(`TIERCI_CACHE_MAX_BYTES: ${err.message}`);
    throw err;
  }
}

/** Entries are visible to their own ref, the base branch of a pull request, and the default branch. */
export function cacheScopes(run: Pick<BuiltinRun, "ref" | "defaultBranch" | "env">): string[] {
  const base = run.env["GITHUB_BASE_REF"];
  return [...new Set([run.ref, ...(base ? [`refs/heads/${base}`] : []), `refs/heads/${run.defaultBranch}`])];
}

/** As @actions/cache: entries saved with other path patterns are different caches. */
export function cacheVersion(paths: string[]): string {
  return createHash("sha256")
    .update([...paths, "tierci-1"].join("|"))
    .digest("hex");
}

/** A key GitHub would refuse, with GitHub's message; null when it is valid. */
export function keyError(key: string): string | null {
  if (key.length > 512) return `Key Validation Error: ${key} cannot be larger than 512 characters.`;
  if (key.includes(",")) return `Key Validation Error: ${key} cannot contain commas.`;
  return null;
}

/** GitHub compares the matched key to the primary key ignoring case. */
export function isExactKeyMatch(key: string, matched: string | null | undefined): boolean {
  return !!matched && matched.localeCompare(key, undefined, { sensitivity: "accent" }) === 0;
}

function pathContext(run: Pick<BuiltinRun, "workspace" | "env" | "stateDir">): PathContext {
  return { workspace: run.workspace, home: run.env["HOME"] ?? "", skip: [resolve(run.stateDir)] };
}

/** How far down one thread walks before the directories there are shared out among the pool. */
const WALK_TOP_DEPTH = 2;

/** The files the path patterns select, found on the worker threads: the top of the tree first, then the rest in parallel. */
export async function findItems(paths: string[], ctx: PathContext): Promise<FoundItem[]> {
  const pool = filePool();
  const top = await pool.run({ op: "walk", lines: paths, ctx, depth: WALK_TOP_DEPTH });
  if (top.unwalked.length === 0) return sortItems(top.items);
  // A few parts per thread, so that one large directory does not leave the others idle.
  const per = Math.ceil(top.unwalked.length / (POOL_SIZE * 4));
  const parts = chunks(top.unwalked, per, Infinity, () => 0);
  const below = await Promise.all(parts.map((dirs) => pool.run({ op: "walk-below", lines: paths, ctx, dirs })));
  return sortItems(top.items.concat(...below));
}

const sizeText = (bytes: number): string => `~${Math.round(bytes / (1024 * 1024))} MB (${bytes} B)`;

/**
 * Looks up and restores a cache entry, and reports it for the run summary. Invalid keys
 * or paths fail the step; an entry that cannot be restored is a warning and a miss.
 */
export async function restoreCache(run: BuiltinRun, given: RestoreOptions): Promise<{ hit: boolean; matchedKey: string | null }> {
  // Keys are stored, prefix-matched and shown masked: a key holding a secret never reaches the disk.
  const opts = { ...given, key: run.mask(given.key), restoreKeys: given.restoreKeys.map((k) => run.mask(k)) };
  if (opts.paths.length === 0) throw new BuiltinFailure("Path Validation Error: At least one directory or file path is required");
  const keys = [opts.key, ...opts.restoreKeys];
  if (keys.length > 10) throw new BuiltinFailure("Key Validation Error: Keys are limited to a maximum of 10.");
  for (const k of keys) {
    const error = keyError(k);
    if (error) throw new BuiltinFailure(error);
  }
  const miss = (): { hit: boolean; matchedKey: null } => {
    run.report({ kind: "cache", key: opts.key, hit: false, restoredKey: null });
    return { hit: false, matchedKey: null };
  };
  const store = cacheStore(run);
  let found: Awaited<ReturnType<CacheStore["lookup"]>>;
  try {
    const texts = [given.key, ...given.restoreKeys];
    found = await store.lookup(
      texts.map((text, n) => ({ text, shown: keys[n] as string })),
      cacheScopes(run),
      cacheVersion(opts.paths),
    );
  } catch (err) {
    run.warning(`Failed to restore: ${(err as Error).message}`);
    return miss();
  }
  if (!found) return (await restoreShared(run, opts, given)) ?? miss();
  const { entry } = found;
  // A masked key matches its text only through the keyed hash: another secret masks alike.
  const hit = found.exact || (opts.key === given.key && isExactKeyMatch(opts.key, entry.key));
  run.log(hit ? `Cache hit for: ${entry.key}` : `Cache hit for restore-key: ${entry.key}`);
  if (opts.lookupOnly) {
    run.log("Lookup only - skipping download");
  } else {
    try {
      const started = Date.now();
      const { roots } = compilePaths(opts.paths, pathContext(run));
      const restored = await store.restore(entry, roots);
      run.log(`Cache Size: ${sizeText(entry.size)}`);
      run.log(`Restored ${restored.files} files (${formatSize(restored.bytes)}) in ${((Date.now() - started) / 1000).toFixed(2)}s`);
      run.log("Cache restored successfully");
    } catch (err) {
      run.warning(`Failed to restore: ${(err as Error).message}`);
      return miss();
    }
  }
  run.report({ kind: "cache", key: opts.key, hit, restoredKey: entry.key });
  return { hit, matchedKey: entry.key };
}

/**
 * Saves the paths under the key in the current ref's scope. Never throws for what GitHub
 * only warns about (invalid key, nothing to save, key already saved): it logs it and
 * returns why nothing was saved.
 */
export async function saveCache(run: BuiltinRun, given: SaveOptions): Promise<{ saved: boolean; reason?: string }> {
  const opts = { ...given, key: run.mask(given.key) };
  const key = { text: given.key, shown: opts.key };
  const refuse = (reason: string): { saved: false; reason: string } => {
    run.warning(reason);
    return { saved: false, reason };
  };
  if (opts.paths.length === 0) return refuse("Path Validation Error: At least one directory or file path is required");
  const error = keyError(opts.key);
  if (error) return refuse(error);
  const started = Date.now();
  const store = cacheStore(run);
  const version = cacheVersion(opts.paths);
  const exists = (message: string): { saved: false; reason: string } => {
    const reason = `Unable to reserve cache with key ${opts.key}, another job may be creating this cache. More details: ${message}`;
    run.log(`Failed to save: ${reason}`);
    return { saved: false, reason };
  };
  let result: SaveResult;
  try {
    // Known before walking the paths: the key is taken.
    if (await store.get(run.ref, version, key)) return exists(existsMessage(run.ref, version, opts.key));
    const ctx = pathContext(run);
    const compiled = compilePaths(opts.paths, ctx);
    const items = await findItems(opts.paths, ctx);
    if (items.length === 0)
      return refuse("Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved.");
    result = await store.save({ key, scope: run.ref, version, paths: opts.paths, roots: compiled.roots.map((r) => r.spec), items });
  } catch (err) {
    return refuse(`Failed to save: ${(err as Error).message}`);
  }
  if (!result.saved) return result.reason === "exists" ? exists(result.message) : refuse(result.message);
  if (run.sharedCache && opts.key === given.key) {
    const roots = compilePaths(opts.paths, pathContext(run)).roots.map((r) => r.abs);
    const items = await findItems(opts.paths, pathContext(run));
    const files = items.filter((i) => i.type === "file").map((i) => ({ root: i.root, rel: i.rel }));
    await run.sharedCache
      .save({ scope: run.ref, version, key: opts.key, roots, files })
      .catch((err: unknown) =>
        run.warning(`The cache was saved on this machine but could not be shared with the server's other agents: ${(err as Error).message}`),
      );
  }
  run.log(`Cache Size: ${sizeText(result.entry.size)}`);
  run.log(`Stored ${result.entry.files} items in ${((Date.now() - started) / 1000).toFixed(2)}s`);
  return { saved: true };
}

/** On a miss here, the entry another agent of the server shared, when the keys hold no masked text. */
async function restoreShared(run: BuiltinRun, opts: RestoreOptions, given: RestoreOptions): Promise<{ hit: boolean; matchedKey: string } | undefined> {
  const keys = [opts.key, ...opts.restoreKeys];
  if (!run.sharedCache || keys.some((k, n) => k !== [given.key, ...given.restoreKeys][n])) return undefined;
  try {
    const started = Date.now();
    const roots = compilePaths(opts.paths, pathContext(run)).roots.map((r) => r.abs);
    const key = await run.sharedCache.restore({
      scopes: cacheScopes(run),
      version: cacheVersion(opts.paths),
      keys,
      roots,
      lookupOnly: opts.lookupOnly === true,
    });
    if (key === null) return undefined;
    const hit = isExactKeyMatch(opts.key, key);
    run.log(hit ? `Cache hit for: ${key}` : `Cache hit for restore-key: ${key}`);
    run.log(
      opts.lookupOnly
        ? "Lookup only - skipping download"
        : `Restored from the cache the server's agents share in ${((Date.now() - started) / 1000).toFixed(2)}s`,
    );
    if (!opts.lookupOnly) run.log("Cache restored successfully");
    run.report({ kind: "cache", key: opts.key, hit, restoredKey: key });
    return { hit, matchedKey: key };
  } catch (err) {
    run.warning(`Failed to restore: ${(err as Error).message}`);
    return undefined;
  }
}
