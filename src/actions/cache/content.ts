// Where a save puts each file's content: what the stat cache names is reused while it is still
// in the store; the rest is stored on the worker pool, small files together in packs
// (packs.ts), larger ones as blobs of their own (blobs.ts), so that those dedupe across saves.
import { access } from "node:fs/promises";
import { blobPath } from "./blobs.js";
import { PACK_BYTES, PACK_FILES, PACK_THRESHOLD, packPath } from "./packs.js";
import { chunks, filePool } from "./pool.js";

/** A file's content in the store: a blob of its own, or the span of a pack that starts at offset. */
export type ContentRef = { blob: string } | { pack: string; offset: number };

export interface Wanted {
  n: number;
  abs: string;
  size: number;
  /** Where the stat cache says this content is, when the store may no longer hold it. */
  known?: ContentRef;
}

/** The bytes stored, which differ from the size found when the file shrank in between. */
export interface Stored {
  ref: ContentRef;
  size: number;
}

const refPath = (storeDir: string, ref: ContentRef): string => ("blob" in ref ? blobPath(storeDir, ref.blob) : packPath(storeDir, ref.pack));

/** Stores what is not in the store yet and sets `into[w.n]` for every wanted file. */
export async function storeContents(storeDir: string, wanted: Wanted[], into: (Stored | undefined)[]): Promise<void> {
  const present = new Map<string, Promise<boolean>>();
  const inStore = (ref: ContentRef): Promise<boolean> => {
    const path = refPath(storeDir, ref);
    let found = present.get(path);
    if (!found) {
      found = access(path).then(
        () => true,
        () => false,
      );
      present.set(path, found);
    }
    return found;
  };
  const missing = wanted.filter((w) => !w.known);
  await Promise.all(
    wanted
      .flatMap(({ known, ...w }) => (known ? [{ ...w, known }] : []))
      .map(async (w) => {
        if (await inStore(w.known)) into[w.n] = { ref: w.known, size: w.size };
        else missing.push(w);
      }),
  );
  const pool = filePool();
  const large = missing.filter((w) => w.size >= PACK_THRESHOLD);
  const small = missing.filter((w) => w.size < PACK_THRESHOLD);
  await Promise.all([
    ...chunks(large, 256, 32 * 1024 * 1024, (w) => w.size).map(async (part) => {
      const blobs = await pool.run({ op: "ingest", storeDir, paths: part.map((w) => w.abs) });
      part.forEach((w, k) => {
        const [blob, size] = blobs[k] as [string, number];
        into[w.n] = { ref: { blob }, size };
      });
    }),
    ...chunks(small, PACK_FILES, PACK_BYTES, (w) => w.size).map(async (part) => {
      const { pack, spans } = await pool.run({ op: "pack", storeDir, files: part.map((w) => ({ abs: w.abs, size: w.size })) });
      part.forEach((w, k) => {
        const [offset, size] = spans[k] as [number, number];
        into[w.n] = { ref: { pack, offset }, size };
      });
    }),
  ]);
}
