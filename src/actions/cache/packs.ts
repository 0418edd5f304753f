// Packs: the contents of many small files in one file of the store, `packs/<sha256>`, named by
// the hash of all its bytes. A file of its own per small file made a first save mostly file
// creation; a pack costs one file per few megabytes. An entry names a small file's content as
// a span (offset, length) of a pack. Synchronous, for the worker threads (see pool.ts).
import { createHash } from "node:crypto";
import { closeSync, existsSync, fchmodSync, fstatSync, futimesSync, mkdirSync, openSync, readSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { replacing, scratchBuffer, tempPath } from "./blobs.js";

/** Files smaller than this are packed; larger ones stay blobs of their own, shared across saves by content. */
export const PACK_THRESHOLD = 64 * 1024;
/** About how many bytes a save puts in one pack. */
export const PACK_BYTES = 8 * 1024 * 1024;
/** At most this many files in one pack, so that the work divides over the pool. */
export const PACK_FILES = 2048;

/** The worker's error code for a pack whose bytes no longer match its name. */
export const DAMAGED = "ETIERCI_DAMAGED_PACK";

export function packPath(storeDir: string, hash: string): string {
  return join(storeDir, "packs", hash);
}

export interface PackFile {
  abs: string;
  size: number;
}

export interface Packed {
  pack: string;
  /** [offset, length] of each file in the pack, in the order given. */
  spans: [number, number][];
}

/** Reads up to `size` bytes of the file into buf at `at`; the count read (less when the file is shorter). */
function readInto(fd: number, buf: Buffer, at: number, size: number): number {
  let got = 0;
  for (let n = 1; got < size && n > 0; got += n) n = readSync(fd, buf, at + got, size - got, null);
  return got;
}

function readFileInto(path: string, buf: Buffer, at: number, size: number): number {
  const fd = openSync(path, "r");
  try {
    return readInto(fd, buf, at, size);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, data: Buffer): void {
  for (let at = 0; at < data.length;) at += writeSync(fd, data, at, data.length - at);
}

/**
 * Stores the files as one pack. Each file is read up to the size it had when it was found,
 * so that its span matches what the entry records.
 */
export function packSync(storeDir: string, files: PackFile[]): Packed {
  const buf = scratchBuffer(files.reduce((n, f) => n + f.size, 0));
  let at = 0;
  const spans = files.map((f): [number, number] => {
    const start = at;
    at += f.size > 0 ? readFileInto(f.abs, buf, at, f.size) : 0;
    return [start, at - start];
  });
  const data = buf.subarray(0, at);
  const pack = createHash("sha256").update(data).digest("hex");
  const target = packPath(storeDir, pack);
  if (existsSync(target)) return { pack, spans };
  // Written under a temporary name and renamed: a reader never sees half a pack.
  mkdirSync(join(storeDir, "tmp"), { recursive: true });
  const tmp = tempPath(storeDir);
  const fd = openSync(tmp, "wx", 0o644);
  try {
    writeAll(fd, data);
  } finally {
    closeSync(fd);
  }
  mkdirSync(join(storeDir, "packs"), { recursive: true });
  renameSync(tmp, target);
  return { pack, spans };
}

export interface PackedFileJob {
  dest: string;
  offset: number;
  size: number;
  mode: number;
  mtime: number;
}

export interface PackRestoreJob {
  pack: string;
  files: PackedFileJob[];
}

function damaged(pack: string, why: string): Error {
  return Object.assign(new Error(`the cache store's pack ${pack} is damaged (${why})`), { code: DAMAGED });
}

/**
 * Writes a pack's files, after checking the whole pack against its name: a missing, truncated
 * or altered pack writes nothing. Their directories exist.
 */
export function restorePackSync(storeDir: string, job: PackRestoreJob): void {
  let fd: number;
  try {
    fd = openSync(packPath(storeDir, job.pack), "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw damaged(job.pack, "its file is missing");
    throw err;
  }
  let data: Buffer;
  try {
    const size = fstatSync(fd).size;
    const buf = scratchBuffer(size);
    data = buf.subarray(0, readInto(fd, buf, 0, size));
  } finally {
    closeSync(fd);
  }
  if (createHash("sha256").update(data).digest("hex") !== job.pack) throw damaged(job.pack, "its content no longer matches its hash");
  for (const f of job.files) {
    if (f.offset + f.size > data.length)
      throw new Error(`refusing to restore ${f.dest}: its manifest places it at bytes ${f.offset}+${f.size} of pack ${job.pack}, which has ${data.length}`);
  }
  for (const f of job.files) {
    let fd = -1;
    replacing(f.dest, () => (fd = openSync(f.dest, "wx", 0o600)));
    try {
      writeAll(fd, data.subarray(f.offset, f.offset + f.size));
      fchmodSync(fd, f.mode);
      futimesSync(fd, f.mtime / 1000, f.mtime / 1000);
    } finally {
      closeSync(fd);
    }
  }
}
