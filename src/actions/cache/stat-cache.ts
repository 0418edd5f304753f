// `<store>/stat-cache.json`: (dev, inode, size, mtime, ctime) -> blob, or pack and offset, so
// that saving an unchanged tree again reads nothing. Rows are stamped with the store's
// generation: a garbage collection may have removed the blobs and packs they name, so rows of
// an older generation are not trusted.
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ContentRef } from "./content.js";

const STAT_CACHE_LIMIT = 250_000;

/** size, mtime, ctime (milliseconds with a fraction), then the blob, or the pack and offset. */
export type StatRow = [number, number, number, string] | [number, number, number, string, number];

export interface StatCache {
  generation: number;
  /** By `dev:inode`, oldest first. */
  entries: Map<string, StatRow>;
}

export interface FileStat {
  dev: number;
  ino: number;
  size: number;
  mtime: number;
  ctime: number;
}

export const statKey = (st: FileStat): string => `${st.dev}:${st.ino}`;

export const statRow = (st: FileStat, ref: ContentRef): StatRow =>
  "blob" in ref ? [st.size, st.mtime, st.ctime, ref.blob] : [st.size, st.mtime, st.ctime, ref.pack, ref.offset];

/** Where a row says the content is when the file still has the size and times it had then. */
export function unchangedContent(cache: StatCache, st: FileStat): ContentRef | undefined {
  const known = cache.entries.get(statKey(st));
  if (!(known && known[0] === st.size && known[1] === st.mtime && known[2] === st.ctime)) return undefined;
  return known.length === 5 ? { pack: known[3], offset: known[4] } : { blob: known[3] };
}

export async function loadStatCache(storeDir: string): Promise<StatCache> {
  try {
    const data = JSON.parse(await readFile(join(storeDir, "stat-cache.json"), "utf8")) as { generation: number; entries: [string, StatRow][] };
    return { generation: data.generation, entries: new Map(data.entries) };
  } catch {
    return { generation: -1, entries: new Map() };
  }
}

/** Adds this save's rows, the oldest beyond the limit dropped; a save that saw nothing new leaves the file as it is. */
export async function writeStatCache(storeDir: string, tmp: string, generation: number, loaded: StatCache, fresh: Map<string, StatRow>): Promise<void> {
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
  await writeFile(tmp, JSON.stringify({ generation, entries: [...merged].slice(-STAT_CACHE_LIMIT) }));
  await rename(tmp, join(storeDir, "stat-cache.json"));
}
