// The cache store on disk, `<stateDir>/cache/`:
//   blobs/ab/<sha256>    file contents, shared by every entry and every save
//   entries/<id>.json    one manifest per (scope, version, key); line 1 is the header that
//                        listing reads, line 2 the items; its mtime is the last access
//   stat-cache.json      (dev, inode, size, mtime, ctime) -> blob, so that saving an
//                        unchanged tree again hashes nothing
//   generation           bumped after every garbage collection
//   lock                 held while entries are committed, evicted or collected
// Entries are immutable: the first save of a key wins, as on GitHub.
import { createHash } from "node:crypto";
import { link, lstat, mkdir, open, readdir, readFile, readlink, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join, posix } from "node:path";
import { tempPath, type FinishDirJob, type IngestJob, type RestoreJob } from "./blobs.js";
import type { FoundItem, ItemType } from "./paths.js";
import { chunks, filePool } from "./pool.js";

export const DEFAULT_MAX_BYTES = 10 * 1024 ** 3;
/** GitHub removes entries that have not been accessed for 7 days. */
export const DEFAULT_MAX_IDLE_MS = 7 * 24 * 3600 * 1000;
const STAT_CACHE_LIMIT = 250_000;

export interface StoredItem {
  root: number;
  path: string;
  type: ItemType;
  mode: number;
  size: number;
  mtime: number;
  blob?: string;
  target?: string;
}

export interface EntryHeader {
  key: string;
  scope: string;
  version: string;
  paths: string[];
  created: number;
  size: number;
  files: number;
}

export interface CacheEntry extends EntryHeader {
  id: string;
  lastAccess: number;
}

interface Manifest {
  roots: string[];
  items: StoredItem[];
}

export class CacheStoreError extends Error {}

export interface StoreOptions {
  maxBytes?: number;
  maxIdleMs?: number;
}

export type SaveResult = { saved: true; entry: CacheEntry } | { saved: false; reason: "exists" | "too-large"; message: string };

export interface SaveRequest {
  key: string;
  scope: string;
  version: string;
  paths: string[];
  roots: string[];
  items: FoundItem[];
}

export interface PruneResult {
  entries: CacheEntry[];
  blobs: number;
  bytes: number;
}

/** size, mtime, ctime (milliseconds with a fraction), blob. */
type StatRow = [number, number, number, string];

interface StatCache {
  generation: number;
  /** By `dev:inode`, oldest first. */
  entries: Map<string, StatRow>;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The size cap from TIERCI_CACHE_MAX_BYTES (bytes, or with a K/M/G/T suffix), else 10 GB. */
export function maxBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env["TIERCI_CACHE_MAX_BYTES"];
  return v ? parseSize(v) : DEFAULT_MAX_BYTES;
}

export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(text);
  if (!m) throw new CacheStoreError(`'${text}' is not a size; use bytes or a number with K, M, G or T`);
  const power = " kmgt".indexOf((m[2] || " ").toLowerCase());
  return Math.floor(Number(m[1]) * 1024 ** power);
}

/** The cache service's words for a key that is taken. */
export function existsMessage(scope: string, version: string, key: string): string {
  return `Cache already exists. Scope: ${scope}, Key: ${key}, Version: ${version}`;
}

function entryId(scope: string, version: string, key: string): string {
  return createHash("sha256").update(JSON.stringify([scope, version, key])).digest("hex");
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Runs fn over items with at most `limit` at once; the first failure is thrown after all settle. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (next < items.length && failure === undefined) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Rejects what would leave its root: absolute paths, `..`, empty segments, NUL. */
function checkItemPath(path: string): void {
  if (path === "" || path.includes("\0") || path.startsWith("/") || path.split("/").some((s) => s === "" || s === "." || s === "..")) {
    throw new CacheStoreError(`refusing to restore '${path}': it is not a plain path inside its root`);
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

  private get entriesDir(): string {
    return join(this.dir, "entries");
  }

  private async tempPath(): Promise<string> {
    await mkdir(join(this.dir, "tmp"), { recursive: true });
    return tempPath(this.dir);
  }

  private async generation(): Promise<number> {
    try {
      return Number(await readFile(join(this.dir, "generation"), "utf8")) || 0;
    } catch {
      return 0;
    }
  }

  /** Holds the store's lock (across processes and promises) while fn runs. */
  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(this.dir, { recursive: true });
    const lock = join(this.dir, "lock");
    const started = Date.now();
    let delay = 2;
    for (;;) {
      try {
        await writeFile(lock, `${process.pid}\n`, { flag: "wx" });
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      let owner: number;
      let age: number;
      try {
        owner = Number((await readFile(lock, "utf8")).trim());
        age = Date.now() - (await stat(lock)).mtimeMs;
      } catch {
        continue;
      }
      // A holder that died leaves the lock behind; an empty lock is one being written.
      if ((owner > 0 && !alive(owner)) || (owner === 0 && age > 10_000)) {
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() - started > 300_000) throw new CacheStoreError(`the cache store ${this.dir} stays locked by process ${owner}; remove ${lock} if that process is gone`);
      await sleep(delay);
      delay = Math.min(delay * 2, 50);
    }
    try {
      return await fn();
    } finally {
      await rm(lock, { force: true });
    }
  }

  private async readHeader(file: string): Promise<EntryHeader> {
    const fh = await open(file, "r");
    try {
      const buf = Buffer.alloc(16384);
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      let nl = buf.subarray(0, bytesRead).indexOf(10);
      let text = buf.subarray(0, bytesRead);
      if (nl < 0) {
        text = await readFile(file);
        nl = text.indexOf(10);
      }
      return JSON.parse(text.subarray(0, nl < 0 ? text.length : nl).toString("utf8")) as EntryHeader;
    } finally {
      await fh.close();
    }
  }

  /** Every entry, newest first. */
  async list(): Promise<CacheEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.entriesDir);
    } catch {
      return [];
    }
    const entries: CacheEntry[] = [];
    await pool(
      names.filter((n) => n.endsWith(".json")),
      32,
      async (name) => {
        const file = join(this.entriesDir, name);
        try {
          const [header, st] = await Promise.all([this.readHeader(file), stat(file)]);
          entries.push({ ...header, id: name.slice(0, -5), lastAccess: st.mtimeMs });
        } catch {
          // Removed while listing, or not a manifest: not an entry either way.
        }
      },
    );
    return entries.sort((a, b) => b.created - a.created || (a.key < b.key ? -1 : 1));
  }

  /**
   * GitHub's order: in each scope in turn, the exact key, then the newest entry that starts
   * with the key, then the newest that starts with each restore key in order.
   */
  async lookup(keys: string[], scopes: string[], version: string): Promise<CacheEntry | null> {
    const [primary] = keys;
    if (primary === undefined) return null;
    const all = (await this.list()).filter((e) => e.version === version);
    for (const scope of scopes) {
      const inScope = all.filter((e) => e.scope === scope);
      const exact = inScope.find((e) => e.key === primary);
      if (exact) return exact;
      for (const prefix of keys) {
        const newest = inScope.find((e) => e.key.startsWith(prefix));
        if (newest) return newest;
      }
    }
    return null;
  }

  async get(scope: string, version: string, key: string): Promise<CacheEntry | null> {
    const id = entryId(scope, version, key);
    const file = join(this.entriesDir, `${id}.json`);
    try {
      const [header, st] = await Promise.all([this.readHeader(file), stat(file)]);
      return { ...header, id, lastAccess: st.mtimeMs };
    } catch {
      return null;
    }
  }

  private async readManifest(id: string): Promise<{ header: EntryHeader; manifest: Manifest }> {
    const text = await readFile(join(this.entriesDir, `${id}.json`), "utf8");
    const nl = text.indexOf("\n");
    return { header: JSON.parse(text.slice(0, nl)) as EntryHeader, manifest: JSON.parse(text.slice(nl + 1)) as Manifest };
  }

  private async loadStatCache(): Promise<StatCache> {
    try {
      const data = JSON.parse(await readFile(join(this.dir, "stat-cache.json"), "utf8")) as { generation: number; entries: [string, StatRow][] };
      return { generation: data.generation, entries: new Map(data.entries) };
    } catch {
      return { generation: -1, entries: new Map() };
    }
  }

  /** Adds this save's rows; a save that saw nothing new leaves the file as it is. */
  private async writeStatCache(generation: number, loaded: StatCache, fresh: Map<string, StatRow>): Promise<void> {
    const merged = loaded.generation === generation ? loaded.entries : new Map<string, StatRow>();
    let changed = merged !== loaded.entries;
    for (const [k, v] of fresh) {
      const old = merged.get(k);
      if (old && old.every((x, n) => x === v[n])) continue;
      merged.delete(k);
      merged.set(k, v);
      changed = true;
    }
    if (!changed) return;
    const rows = [...merged].slice(-STAT_CACHE_LIMIT);
    const tmp = await this.tempPath();
    await writeFile(tmp, JSON.stringify({ generation, entries: rows }));
    await rename(tmp, join(this.dir, "stat-cache.json"));
  }

  /** Stores files as blobs on the worker pool and sets `into[n].blob` for each job. */
  private async ingest(pending: { n: number; job: IngestJob }[], into: StoredItem[]): Promise<void> {
    await Promise.all(
      chunks(pending, 256, 32 * 1024 * 1024, (p) => p.job.size).map(async (part) => {
        const blobs = await filePool().run({ op: "ingest", storeDir: this.dir, jobs: part.map((p) => p.job) });
        part.forEach((p, k) => ((into[p.n] as StoredItem).blob = blobs[k]));
      }),
    );
  }

  /** Saves the items as a new entry; an existing key stays as it is. */
  async save(req: SaveRequest): Promise<SaveResult> {
    const id = entryId(req.scope, req.version, req.key);
    const manifestPath = join(this.entriesDir, `${id}.json`);
    const existing = existsMessage(req.scope, req.version, req.key);
    if (await exists(manifestPath)) return { saved: false, reason: "exists", message: existing };
    const size = req.items.reduce((n, i) => n + (i.type === "file" ? i.stat.size : 0), 0);
    if (size > this.maxBytes) {
      return { saved: false, reason: "too-large", message: `Cache size of ~${Math.round(size / (1024 * 1024))} MB (${size} B) is over the ${formatSize(this.maxBytes)} limit, not saving cache.` };
    }
    await mkdir(this.entriesDir, { recursive: true });
    const startGeneration = await this.generation();
    const statCache = await this.loadStatCache();
    const trusted = statCache.generation === startGeneration;
    const stored: StoredItem[] = req.items.map((i) => ({
      root: i.root,
      path: i.rel,
      type: i.type,
      mode: i.stat.mode & 0o7777,
      size: i.type === "file" ? i.stat.size : 0,
      mtime: i.stat.mtime,
    }));
    const fresh = new Map<string, StatRow>();
    const pending: { n: number; job: IngestJob }[] = [];
    for (const [n, i] of req.items.entries()) {
      if (i.type !== "file") continue;
      const known = statCache.entries.get(`${i.stat.dev}:${i.stat.ino}`);
      const same = known && known[0] === i.stat.size && known[1] === i.stat.mtime && known[2] === i.stat.ctime;
      // A stat cache of the current generation names blobs no collection has removed since.
      if (same && trusted) (stored[n] as StoredItem).blob = known[3];
      else pending.push({ n, job: { abs: i.abs, size: i.stat.size, known: same ? known[3] : undefined } });
    }
    await this.ingest(pending, stored);
    await Promise.all(
      req.items.map(async (i, n) => {
        if (i.type === "symlink") (stored[n] as StoredItem).target = await readlink(i.abs);
      }),
    );
    for (const [n, i] of req.items.entries()) {
      const blob = stored[n]?.blob;
      if (blob) fresh.set(`${i.stat.dev}:${i.stat.ino}`, [i.stat.size, i.stat.mtime, i.stat.ctime, blob]);
    }
    let commitGeneration = startGeneration;
    const result = await this.locked(async (): Promise<SaveResult> => {
      if (await exists(manifestPath)) return { saved: false, reason: "exists", message: existing };
      commitGeneration = await this.generation();
      // A collection since this save began may have removed blobs it found in the store.
      if (commitGeneration !== startGeneration) {
        await this.ingest(
          stored.flatMap((item, n) => (item.blob ? [{ n, job: { abs: (req.items[n] as FoundItem).abs, size: item.size, known: item.blob } }] : [])),
          stored,
        );
      }
      const header: EntryHeader = { key: req.key, scope: req.scope, version: req.version, paths: req.paths, created: Date.now(), size, files: stored.length };
      const tmp = await this.tempPath();
      await writeFile(tmp, `${JSON.stringify(header)}\n${JSON.stringify({ roots: req.roots, items: stored } satisfies Manifest)}\n`);
      try {
        await link(tmp, manifestPath);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST") return { saved: false, reason: "exists", message: existing };
        throw err;
      } finally {
        await rm(tmp, { force: true });
      }
      await this.enforce(id);
      return { saved: true, entry: { ...header, id, lastAccess: Date.now() } };
    });
    // Stamped with the generation the blobs were checked at: a later collection makes the
    // next save check them again.
    if (result.saved) await this.writeStatCache(commitGeneration, statCache, fresh);
    return result;
  }

  /**
   * Restores an entry's items under the given root directories (one per manifest root,
   * matched by spec). Every file is an independent copy of its blob.
   */
  async restore(entry: CacheEntry, roots: { spec: string; abs: string }[]): Promise<{ files: number; bytes: number }> {
    const { manifest } = await this.readManifest(entry.id);
    // Matched by spec: the same patterns give the same specs in every job.
    const bases = manifest.roots.map((spec) => roots.find((r) => r.spec === spec)?.abs);
    const missing = manifest.roots.filter((_, n) => bases[n] === undefined);
    if (missing.length > 0) throw new CacheStoreError(`entry '${entry.key}' holds files of ${missing.join(", ")}, which the path input does not name`);
    const links = new Set<string>();
    for (const item of manifest.items) {
      checkItemPath(item.path);
      if (bases[item.root] === undefined) throw new CacheStoreError(`refusing to restore '${item.path}': its manifest names no root ${item.root}`);
      if (item.type === "file" && !(item.blob && HEX64.test(item.blob))) throw new CacheStoreError(`refusing to restore '${item.path}': its blob name is not a SHA-256`);
      if (item.type === "symlink") links.add(`${item.root}/${item.path}`);
    }
    for (const item of manifest.items) {
      for (let at = item.path.indexOf("/"); at > 0; at = item.path.indexOf("/", at + 1)) {
        if (links.has(`${item.root}/${item.path.slice(0, at)}`)) throw new CacheStoreError(`refusing to restore '${item.path}': it lies behind the symbolic link ${item.path.slice(0, at)} of the same entry`);
      }
    }
    const target = (item: StoredItem): string => join(bases[item.root] as string, item.path);
    const dirs = new Map<string, string>();
    for (const item of manifest.items) {
      dirs.set(item.type === "dir" ? target(item) : posix.dirname(target(item)), bases[item.root] as string);
    }
    const pool = filePool();
    await pool.run({ op: "dirs", dirs: [...dirs].map(([dir, root]) => ({ dir, root })) });
    await utimes(join(this.entriesDir, `${entry.id}.json`), new Date(), new Date());
    const jobs: RestoreJob[] = [];
    const dirJobs: FinishDirJob[] = [];
    let bytes = 0;
    for (const item of manifest.items) {
      if (item.type === "dir") dirJobs.push({ dest: target(item), mode: item.mode, mtime: item.mtime });
      else jobs.push({ dest: target(item), type: item.type, blob: item.blob, target: item.target, mode: item.mode, mtime: item.mtime, size: item.size });
      bytes += item.size;
    }
    await Promise.all(chunks(jobs, 128, 16 * 1024 * 1024, (j) => j.size).map((part) => pool.run({ op: "restore", storeDir: this.dir, jobs: part })));
    // Directories last: creating their files changed their times.
    if (dirJobs.length > 0) await pool.run({ op: "finish-dirs", dirs: dirJobs });
    return { files: jobs.length, bytes };
  }

  /** Removes entries (exact key, or every key starting with `prefix`), then their unshared blobs. */
  async remove(match: { key?: string; prefix?: string; scope?: string }): Promise<CacheEntry[]> {
    return this.locked(async () => {
      const gone = (await this.list()).filter(
        (e) => (match.key === undefined || e.key === match.key) && (match.prefix === undefined || e.key.startsWith(match.prefix)) && (match.scope === undefined || e.scope === match.scope),
      );
      await this.drop(gone);
      if (gone.length > 0) await this.collect();
      return gone;
    });
  }

  /** Applies the size cap and idle expiry, and removes blobs no entry refers to. */
  async prune(opts: StoreOptions = {}): Promise<PruneResult> {
    return this.locked(async () => {
      const entries = await this.evict(undefined, opts.maxBytes ?? this.maxBytes, opts.maxIdleMs ?? this.maxIdleMs);
      const { blobs, bytes } = await this.collect();
      return { entries, blobs, bytes };
    });
  }

  private async enforce(keep: string): Promise<void> {
    const evicted = await this.evict(keep, this.maxBytes, this.maxIdleMs);
    if (evicted.length > 0) await this.collect();
  }

  /** Least recently used first, until the entries fit; `keep` (the entry just saved) stays. */
  private async evict(keep: string | undefined, maxBytes: number, maxIdleMs: number): Promise<CacheEntry[]> {
    const now = Date.now();
    const all = (await this.list()).sort((a, b) => a.lastAccess - b.lastAccess);
    const gone = all.filter((e) => e.id !== keep && now - e.lastAccess > maxIdleMs);
    let total = all.filter((e) => !gone.includes(e)).reduce((n, e) => n + e.size, 0);
    for (const e of all) {
      if (total <= maxBytes) break;
      if (e.id === keep || gone.includes(e)) continue;
      gone.push(e);
      total -= e.size;
    }
    await this.drop(gone);
    return gone;
  }

  private async drop(entries: CacheEntry[]): Promise<void> {
    await Promise.all(entries.map((e) => rm(join(this.entriesDir, `${e.id}.json`), { force: true })));
  }

  /** Deletes blobs no manifest refers to, and temporary files of saves that died. Under the lock. */
  private async collect(): Promise<{ blobs: number; bytes: number }> {
    const referenced = new Set<string>();
    let names: string[] = [];
    try {
      names = await readdir(this.entriesDir);
    } catch {
      // No entries yet: every blob is unreferenced.
    }
    for (const name of names.filter((n) => n.endsWith(".json"))) {
      try {
        const { manifest } = await this.readManifest(name.slice(0, -5));
        for (const i of manifest.items) if (i.blob) referenced.add(i.blob);
      } catch {
        // A manifest that cannot be read protects nothing.
      }
    }
    let blobs = 0;
    let bytes = 0;
    const blobDir = join(this.dir, "blobs");
    let shards: string[] = [];
    try {
      shards = await readdir(blobDir);
    } catch {
      // Nothing stored yet.
    }
    for (const shard of shards) {
      const files = await readdir(join(blobDir, shard)).catch(() => [] as string[]);
      await pool(files, 32, async (f) => {
        if (referenced.has(f) || (f.startsWith(".tmp-") && alive(Number(f.split("-")[1])))) return;
        const p = join(blobDir, shard, f);
        const st = await lstat(p).catch(() => null);
        await rm(p, { force: true });
        blobs++;
        bytes += st?.size ?? 0;
      });
    }
    const tmpDir = join(this.dir, "tmp");
    const temps = await readdir(tmpDir).catch(() => [] as string[]);
    await pool(temps, 32, async (t) => {
      const pid = Number(t.split("-")[0]);
      if (!(pid > 0 && alive(pid))) await rm(join(tmpDir, t), { force: true });
    });
    // After the deletions, so that a save that looked at the blobs before or during this
    // collection sees a new generation and checks its blobs again.
    const tmp = await this.tempPath();
    await writeFile(tmp, String((await this.generation()) + 1));
    await rename(tmp, join(this.dir, "generation"));
    return { blobs, bytes };
  }
}

export function formatSize(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v >= 10 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}
