// `tierci cache ls|rm|prune`: the entries actions/cache saved, in the store under the state
// directory; prune also clears the shared tool cache of versions no job has used as long.
import { join, resolve } from "node:path";
import { CacheStoreError, DEFAULT_MAX_IDLE_MS, maxBytesFromEnv, parseSize } from "../../actions/cache/limits.js";
import { CacheStore, type CacheEntry } from "../../actions/cache/store.js";
import { formatSize } from "../../util/format-size.js";
import { toolCacheRoot } from "../../toolcache/layout.js";
import { pruneToolCache, type PrunedTool } from "../../toolcache/prune.js";
import { UsageError } from "../key-values.js";
import { style, writeJson, type Out } from "../output.js";

export interface CacheOptions {
  repo: string;
  stateDir?: string;
  json?: string;
}

function openCache(opts: CacheOptions): CacheStore {
  const stateDir = resolve(opts.stateDir ?? join(resolve(opts.repo), ".tierci"));
  try {
    return new CacheStore(join(stateDir, "cache"), { maxBytes: maxBytesFromEnv() });
  } catch (err) {
    if (err instanceof CacheStoreError) throw new UsageError(`TIERCI_CACHE_MAX_BYTES: ${err.message}`);
    throw err;
  }
}

function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

const row = (e: CacheEntry) => ({
  id: e.id,
  key: e.key,
  scope: e.scope,
  version: e.version,
  paths: e.paths,
  size: e.size,
  files: e.files,
  created_at: new Date(e.created).toISOString(),
  last_accessed_at: new Date(e.lastAccess).toISOString(),
});

function table(out: Out, entries: CacheEntry[]): void {
  const now = Date.now();
  const keyWidth = Math.min(60, Math.max(3, ...entries.map((e) => e.key.length)));
  const scopeWidth = Math.max(5, ...entries.map((e) => e.scope.length));
  out.log(style.bold(`${"KEY".padEnd(keyWidth)}  ${"SCOPE".padEnd(scopeWidth)}  ${"SIZE".padStart(8)}  ${"CREATED".padEnd(8)}  LAST USED`));
  for (const e of entries) {
    out.log(
      `${e.key.padEnd(keyWidth)}  ${e.scope.padEnd(scopeWidth)}  ${formatSize(e.size).padStart(8)}  ${ago(e.created, now).padEnd(8)}  ${ago(e.lastAccess, now)}`,
    );
  }
}

export async function cacheLsCommand(out: Out, opts: CacheOptions & { prefix?: string; scope?: string }): Promise<number> {
  const store = openCache(opts);
  const entries = (await store.list()).filter(
    (e) => (opts.prefix === undefined || e.key.startsWith(opts.prefix)) && (opts.scope === undefined || e.scope === opts.scope),
  );
  const total = entries.reduce((n, e) => n + e.size, 0);
  if (opts.json !== undefined) writeJson(opts.json, { entries: entries.map(row), total_bytes: total, max_bytes: store.maxBytes });
  if (opts.json === "-") return 0;
  if (entries.length === 0) {
    out.log(`no cache entries in ${store.dir}`);
    return 0;
  }
  table(out, entries);
  out.log(style.dim(`${entries.length} entries, ${formatSize(total)} of ${formatSize(store.maxBytes)}`));
  return 0;
}

export async function cacheRmCommand(out: Out, key: string | undefined, opts: CacheOptions & { prefix?: string; scope?: string }): Promise<number> {
  if ((key === undefined) === (opts.prefix === undefined)) throw new UsageError("give either a KEY or --prefix PREFIX");
  const store = openCache(opts);
  const removed = await store.remove({ key, prefix: opts.prefix, scope: opts.scope });
  if (opts.json !== undefined) writeJson(opts.json, { removed: removed.map(row) });
  if (opts.json === "-") return removed.length > 0 ? 0 : 1;
  if (removed.length === 0) {
    out.err(
      `tierci: no cache entry ${key !== undefined ? `with key '${key}'` : `whose key starts with '${opts.prefix}'`}${opts.scope ? ` in ${opts.scope}` : ""}`,
    );
    return 1;
  }
  for (const e of removed) out.log(`removed ${e.key} (${e.scope}, ${formatSize(e.size)})`);
  return 0;
}

export async function cachePruneCommand(out: Out, opts: CacheOptions & { maxSize?: string; maxIdleDays?: string }): Promise<number> {
  const store = openCache(opts);
  let maxBytes: number | undefined;
  let maxIdleMs: number | undefined;
  try {
    if (opts.maxSize !== undefined) maxBytes = parseSize(opts.maxSize);
  } catch (err) {
    throw new UsageError(`--max-size: ${(err as Error).message}`);
  }
  if (opts.maxIdleDays !== undefined) {
    const days = Number(opts.maxIdleDays);
    if (!(days >= 0)) throw new UsageError(`--max-idle-days must be a number of days, got '${opts.maxIdleDays}'`);
    maxIdleMs = days * 86400_000;
  }
  const result = await store.prune({ maxBytes, maxIdleMs });
  const toolRoot = toolCacheRoot();
  const tools = await pruneToolCache(toolRoot, { maxIdleMs: maxIdleMs ?? DEFAULT_MAX_IDLE_MS });
  if (opts.json !== undefined) {
    writeJson(opts.json, {
      removed: result.entries.map(row),
      blobs_removed: result.blobs,
      packs_removed: result.packs,
      bytes_freed: result.bytes,
      tool_cache: toolRoot,
      tools_removed: tools.removed.map(toolRow),
      tool_bytes_freed: tools.bytes,
    });
  }
  if (opts.json === "-") return 0;
  const now = Date.now();
  for (const e of result.entries) out.log(`removed ${e.key} (${e.scope}, ${formatSize(e.size)}, last used ${ago(e.lastAccess, now)})`);
  out.log(`${result.entries.length} entries removed; ${result.blobs} unreferenced blobs and ${result.packs} packs deleted (${formatSize(result.bytes)} freed)`);
  for (const t of tools.removed)
    out.log(
      `removed tool ${t.tool} ${t.version} (${t.arch}, ${formatSize(t.bytes)}, ${t.lastUsed === null ? "never finished installing" : `last used ${ago(t.lastUsed, now)}`})`,
    );
  out.log(`${tools.removed.length} tool versions removed from ${toolRoot} (${formatSize(tools.bytes)} freed)`);
  return 0;
}

const toolRow = (t: PrunedTool) => ({
  tool: t.tool,
  version: t.version,
  arch: t.arch,
  bytes: t.bytes,
  last_used_at: t.lastUsed === null ? null : new Date(t.lastUsed).toISOString(),
});
