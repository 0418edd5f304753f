// The entries of the cache store, `<store>/entries/<id>.json`: one manifest per (scope,
// version, key). Line 1 is the header that listing reads, line 2 the items; the file's
// mtime is the entry's last access.
import { createHmac, randomBytes } from "node:crypto";
import { link, mkdir, open, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { eachLimited } from "../../util/each-limited.js";
import type { ItemType } from "./paths.js";

export interface StoredItem {
  root: number;
  path: string;
  type: ItemType;
  mode: number;
  size: number;
  mtime: number;
  /** A file's content: its own blob, or `size` bytes at `offset` of the manifest's pack number `pack`. */
  blob?: string;
  pack?: number;
  offset?: number;
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

/** 2: small files are spans of packs. 1 (written without the field): every file is a blob. */
export const MANIFEST_FORMAT = 2;

export interface Manifest {
  format?: number;
  roots: string[];
  packs?: string[];
  items: StoredItem[];
}

/**
 * A key as the workflow wrote it (`text`, which may hold a secret and never reaches the disk)
 * and as it is stored, listed and prefix-matched (`shown`, with secrets masked).
 */
export interface CacheKey {
  text: string;
  shown: string;
}

/** A key that holds nothing to mask. */
export const plainKey = (key: string): CacheKey => ({ text: key, shown: key });

/**
 * The store's own random key for naming entries, `<store>/id-key` (mode 0600). Entries are
 * named by a keyed hash of the key text: two keys that differ only in a secret stay two
 * entries, and a file name cannot be checked against guesses of the secret without this key.
 */
export async function loadIdKey(storeDir: string): Promise<Buffer> {
  const file = join(storeDir, "id-key");
  try {
    return await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  await mkdir(storeDir, { recursive: true });
  try {
    await writeFile(file, randomBytes(32), { flag: "wx", mode: 0o600 });
  } catch (err) {
    // Another save created it first: use that one.
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return readFile(file);
}

export function entryId(idKey: Buffer, scope: string, version: string, key: CacheKey): string {
  return createHmac("sha256", idKey)
    .update(JSON.stringify([scope, version, key.text]))
    .digest("hex");
}

export function entriesDir(storeDir: string): string {
  return join(storeDir, "entries");
}

export function entryFile(storeDir: string, id: string): string {
  return join(entriesDir(storeDir), `${id}.json`);
}

/** Reads line 1 only, so that listing a store of large manifests stays cheap. */
async function readHeader(file: string): Promise<EntryHeader> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(16384);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    let text = buf.subarray(0, bytesRead);
    let nl = text.indexOf(10);
    if (nl < 0) {
      text = await readFile(file);
      nl = text.indexOf(10);
    }
    return JSON.parse(text.subarray(0, nl < 0 ? text.length : nl).toString("utf8")) as EntryHeader;
  } finally {
    await fh.close();
  }
}

/** The entry, or null when there is none (or it cannot be read as one). */
export async function readEntry(storeDir: string, id: string): Promise<CacheEntry | null> {
  const file = entryFile(storeDir, id);
  try {
    const [header, st] = await Promise.all([readHeader(file), stat(file)]);
    return { ...header, id, lastAccess: st.mtimeMs };
  } catch {
    return null;
  }
}

/** Every entry, newest first. */
export async function listEntries(storeDir: string): Promise<CacheEntry[]> {
  const ids = await entryIds(storeDir);
  const entries: CacheEntry[] = [];
  await eachLimited(ids, 32, async (id) => {
    const entry = await readEntry(storeDir, id);
    if (entry) entries.push(entry);
  });
  return entries.sort((a, b) => b.created - a.created || (a.key < b.key ? -1 : 1));
}

export async function entryIds(storeDir: string): Promise<string[]> {
  const names = await readdir(entriesDir(storeDir)).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith(".json")).map((n) => n.slice(0, -5));
}

export async function readManifest(storeDir: string, id: string): Promise<{ header: EntryHeader; manifest: Manifest }> {
  const text = await readFile(entryFile(storeDir, id), "utf8");
  const nl = text.indexOf("\n");
  return { header: JSON.parse(text.slice(0, nl)) as EntryHeader, manifest: JSON.parse(text.slice(nl + 1)) as Manifest };
}

/**
 * Writes the entry through a temporary file linked into place, so that a reader never sees
 * half a manifest and the first writer of an id wins. False when the id is taken.
 */
export async function commitEntry(storeDir: string, id: string, header: EntryHeader, manifest: Manifest, tmp: string): Promise<boolean> {
  await writeFile(tmp, `${JSON.stringify(header)}\n${JSON.stringify(manifest)}\n`);
  try {
    await link(tmp, entryFile(storeDir, id));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    await rm(tmp, { force: true });
  }
}

export async function dropEntries(storeDir: string, entries: readonly CacheEntry[]): Promise<void> {
  await Promise.all(entries.map((e) => rm(entryFile(storeDir, e.id), { force: true })));
}
