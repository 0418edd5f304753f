// The cache store on disk, `<stateDir>/cache/`:
//   blobs/ab/<sha256>    contents of files of 64 KiB and more, shared by every entry and save (blobs.ts)
//   packs/<sha256>       contents of smaller files, many to a pack (packs.ts)
//   entries/<id>.json    one manifest per (scope, version, key) (entries.ts)
//   stat-cache.json      where each file's content was stored last time (stat-cache.ts)
//   generation           bumped after every garbage collection (garbage.ts)
//   lock                 held while entries are committed, evicted or collected
//   id-key               the random key entries are named by, mode 0600 (entries.ts)
// Entries are immutable: the first save of a key wins, as on GitHub.
import { mkdir, readlink, stat, utimes } from "node:fs/promises";
import { join, posix } from "node:path";
import { formatSize } from "../../util/format-size.js";
import { withLock } from "../../util/lock-file.js";
import { tempPath, type FinishDirJob, type RestoreJob } from "./blobs.js";
import { storeContents, type Stored, type Wanted } from "./content.js";
import {
  commitEntry,
  dropEntries,
  entryFile,
  entryId,
  listEntries,
  loadIdKey,
  readEntry,
  readManifest,
  type CacheEntry,
  type CacheKey,
  type EntryHeader,
  type StoredItem,
} from "./entries.js";
import { chooseEvictions } from "./eviction.js";
import { collectGarbage, discardPack, readGeneration } from "./garbage.js";
import { CacheStoreError, DEFAULT_MAX_IDLE_MS, maxBytesFromEnv } from "./limits.js";
import { buildManifest, checkManifest } from "./manifest.js";
import { DAMAGED, type PackedFileJob } from "./packs.js";
import type { FoundItem } from "./paths.js";
import { chunks, filePool } from "./pool.js";
import { loadStatCache, statKey, statRow, unchangedContent, writeStatCache, type StatRow } from "./stat-cache.js";

export { plainKey, type CacheEntry, type CacheKey, type EntryHeader, type StoredItem } from "./entries.js";

export interface StoreOptions {
  maxBytes?: number;
  maxIdleMs?: number;
}

export type SaveResult = { saved: true; entry: CacheEntry } | { saved: false; reason: "exists" | "too-large"; message: string };

export interface SaveRequest {
  key: CacheKey;
  scope: string;
  version: string;
  paths: string[];
  roots: string[];
  items: FoundItem[];
}

export interface PruneResult {
  entries: CacheEntry[];
  blobs: number;
  packs: number;
  bytes: number;
}

/** The cache service's words for a key that is taken. */
export function existsMessage(scope: string, version: string, key: string): string {
  return `Cache already exists. Scope: ${scope}, Key: ${key}, Version: ${version}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export class CacheStore {
  readonly dir: string;
  readonly maxBytes: number;
  readonly maxIdleMs: number;

  constructor(dir: string, opts: StoreOptions = {}) {
    this.dir = dir;
    this.maxBytes = opts.maxBytes ?? maxBytesFromEnv();
    this.maxIdleMs = opts.maxIdleMs ?? DEFAULT_MAX_IDLE_MS;
  }

  private idKey: Promise<Buffer> | undefined;

  private entryId(scope: string, version: string, key: CacheKey): Promise<string> {
    this.idKey ??= loadIdKey(this.dir);
    return this.idKey.then((k) => entryId(k, scope, version, key));
  }

  private async tempPath(): Promise<string> {
    await mkdir(join(this.dir, "tmp"), { recursive: true });
    return tempPath(this.dir);
  }

  /** Holds the store's lock (across processes and promises) while fn runs. */
  private locked<T>(fn: () => Promise<T>): Promise<T> {
    return withLock(join(this.dir, "lock"), { pollMs: 10 }, fn);
  }

  /** Every entry, newest first. */
  list(): Promise<CacheEntry[]> {
    return listEntries(this.dir);
  }

  /**
   * GitHub's order: in each scope in turn, the exact key, then the newest entry that starts
   * with the key, then the newest that starts with each restore key in order. The exact key
   * is found by its text; prefixes can only match the masked text kept on disk.
   */
  async lookup(keys: CacheKey[], scopes: string[], version: string): Promise<{ entry: CacheEntry; exact: boolean } | null> {
    const [primary] = keys;
    if (primary === undefined) return null;
    const all = (await this.list()).filter((e) => e.version === version);
    for (const scope of scopes) {
      const exact = await this.get(scope, version, primary);
      if (exact) return { entry: exact, exact: true };
      const inScope = all.filter((e) => e.scope === scope);
      for (const prefix of keys) {
        const newest = inScope.find((e) => e.key.startsWith(prefix.shown));
        if (newest) return { entry: newest, exact: false };
      }
    }
    return null;
  }

  async get(scope: string, version: string, key: CacheKey): Promise<CacheEntry | null> {
    return readEntry(this.dir, await this.entryId(scope, version, key));
  }

  /** Saves the items as a new entry; an existing key stays as it is. */
  async save(req: SaveRequest): Promise<SaveResult> {
    const id = await this.entryId(req.scope, req.version, req.key);
    const existing: SaveResult = { saved: false, reason: "exists", message: existsMessage(req.scope, req.version, req.key.shown) };
    if (await exists(entryFile(this.dir, id))) return existing;
    const size = req.items.reduce((n, i) => n + (i.type === "file" ? i.stat.size : 0), 0);
    if (size > this.maxBytes) {
      return {
        saved: false,
        reason: "too-large",
        message: `Cache size of ~${Math.round(size / (1024 * 1024))} MB (${size} B) is over the ${formatSize(this.maxBytes)} limit, not saving cache.`,
      };
    }
    await mkdir(join(this.dir, "entries"), { recursive: true });
    const startGeneration = await readGeneration(this.dir);
    const statCache = await loadStatCache(this.dir);
    // A stat cache of the current generation names blobs and packs no collection has removed since.
    const trusted = statCache.generation === startGeneration;
    const contents: (Stored | undefined)[] = [];
    const wanted: Wanted[] = [];
    for (const [n, i] of req.items.entries()) {
      if (i.type !== "file") continue;
      const known = unchangedContent(statCache, i.stat);
      if (known && trusted) contents[n] = { ref: known, size: i.stat.size };
      else wanted.push({ n, abs: i.abs, size: i.stat.size, known });
    }
    await storeContents(this.dir, wanted, contents);
    const targets = await Promise.all(req.items.map((i) => (i.type === "symlink" ? readlink(i.abs) : undefined)));
    let commitGeneration = startGeneration;
    const result = await this.locked(async (): Promise<SaveResult> => {
      if (await exists(entryFile(this.dir, id))) return existing;
      commitGeneration = await readGeneration(this.dir);
      // A collection since this save began may have removed blobs and packs it found in the store.
      if (commitGeneration !== startGeneration) {
        await storeContents(
          this.dir,
          req.items.flatMap((i, n) => {
            const known = contents[n];
            return known ? [{ n, abs: i.abs, size: known.size, known: known.ref }] : [];
          }),
          contents,
        );
      }
      const header: EntryHeader = {
        key: req.key.shown,
        scope: req.scope,
        version: req.version,
        paths: req.paths,
        created: Date.now(),
        size,
        files: req.items.length,
      };
      if (!(await commitEntry(this.dir, id, header, buildManifest(req.roots, req.items, contents, targets), await this.tempPath()))) return existing;
      const evicted = chooseEvictions(await this.list(), { keep: id, maxBytes: this.maxBytes, maxIdleMs: this.maxIdleMs, now: Date.now() });
      await dropEntries(this.dir, evicted);
      if (evicted.length > 0) await collectGarbage(this.dir, await this.tempPath());
      return { saved: true, entry: { ...header, id, lastAccess: Date.now() } };
    });
    if (!result.saved) return result;
    const fresh = new Map<string, StatRow>();
    for (const [n, i] of req.items.entries()) {
      const stored = contents[n];
      // A file that changed size while it was read is read again next time.
      if (stored && stored.size === i.stat.size) fresh.set(statKey(i.stat), statRow(i.stat, stored.ref));
    }
    // Stamped with the generation the contents were checked at: a later collection makes the
    // next save check them again.
    await writeStatCache(this.dir, await this.tempPath(), commitGeneration, statCache, fresh);
    return result;
  }

  /**
   * Restores an entry's items under the given root directories (one per manifest root,
   * matched by spec). Every file is an independent copy of its blob or span of a pack.
   */
  async restore(entry: CacheEntry, roots: { spec: string; abs: string }[]): Promise<{ files: number; bytes: number }> {
    const { manifest } = await readManifest(this.dir, entry.id);
    // Matched by spec: the same patterns give the same specs in every job.
    const bases = manifest.roots.map((spec) => roots.find((r) => r.spec === spec)?.abs);
    const missing = manifest.roots.filter((_, n) => bases[n] === undefined);
    if (missing.length > 0) throw new CacheStoreError(`entry '${entry.key}' holds files of ${missing.join(", ")}, which the path input does not name`);
    checkManifest(manifest, bases);
    const target = (item: StoredItem): string => join(bases[item.root] as string, item.path);
    const dirs = new Map<string, string>();
    for (const item of manifest.items) {
      dirs.set(item.type === "dir" ? target(item) : posix.dirname(target(item)), bases[item.root] as string);
    }
    const pool = filePool();
    await pool.run({ op: "dirs", dirs: [...dirs].map(([dir, root]) => ({ dir, root })) });
    await utimes(entryFile(this.dir, entry.id), new Date(), new Date());
    const jobs: RestoreJob[] = [];
    const packed = new Map<number, PackedFileJob[]>();
    const dirJobs: FinishDirJob[] = [];
    let bytes = 0;
    for (const item of manifest.items) {
      const common = { dest: target(item), mode: item.mode, mtime: item.mtime };
      if (item.type === "dir") dirJobs.push(common);
      else if (item.pack === undefined) jobs.push({ ...common, type: item.type, blob: item.blob, target: item.target, size: item.size });
      else {
        const files = packed.get(item.pack) ?? [];
        files.push({ ...common, offset: item.offset as number, size: item.size });
        packed.set(item.pack, files);
      }
      bytes += item.size;
    }
    const restorePack = async (pack: string, files: PackedFileJob[]): Promise<void> => {
      try {
        await pool.run({ op: "restore-pack", storeDir: this.dir, job: { pack, files } });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== DAMAGED) throw err;
        await this.locked(async () => discardPack(this.dir, pack, await this.tempPath()));
        throw new CacheStoreError(`${(err as Error).message}; the entries that use it were removed, so the next save stores their files again`);
      }
    };
    await Promise.all([
      ...[...packed].map(([n, files]) => restorePack((manifest.packs ?? [])[n] as string, files)),
      ...chunks(jobs, 128, 16 * 1024 * 1024, (j) => j.size).map((part) => pool.run({ op: "restore", storeDir: this.dir, jobs: part })),
    ]);
    // Directories last: creating their files changed their times.
    if (dirJobs.length > 0) await pool.run({ op: "finish-dirs", dirs: dirJobs });
    return { files: jobs.length + [...packed.values()].reduce((n, f) => n + f.length, 0), bytes };
  }

  /** Removes entries (exact key, or every key starting with `prefix`), then their unshared blobs. */
  async remove(match: { key?: string; prefix?: string; scope?: string }): Promise<CacheEntry[]> {
    return this.locked(async () => {
      const gone = (await this.list()).filter(
        (e) =>
          (match.key === undefined || e.key === match.key) &&
          (match.prefix === undefined || e.key.startsWith(match.prefix)) &&
          (match.scope === undefined || e.scope === match.scope),
      );
      await dropEntries(this.dir, gone);
      if (gone.length > 0) await collectGarbage(this.dir, await this.tempPath());
      return gone;
    });
  }

  /** Applies the size cap and idle expiry, and removes blobs no entry refers to. */
  async prune(opts: StoreOptions = {}): Promise<PruneResult> {
    return this.locked(async () => {
      const entries = chooseEvictions(await this.list(), {
        maxBytes: opts.maxBytes ?? this.maxBytes,
        maxIdleMs: opts.maxIdleMs ?? this.maxIdleMs,
        now: Date.now(),
      });
      await dropEntries(this.dir, entries);
      return { entries, ...(await collectGarbage(this.dir, await this.tempPath())) };
    });
  }
}
