// The per-file work of saving and restoring, synchronous so that it runs on worker threads
// (see pool.ts): storing file contents as blobs named by their SHA-256, and copying blobs
// back out as independent files.
import { createHash, randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  constants as fsc,
  copyFileSync,
  existsSync,
  fchmodSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from "node:fs";
import { dirname, join } from "node:path";

/** Mode every blob is stored with, so that restoring a file of this mode needs no chmod. */
const BLOB_MODE = 0o644;
const SMALL_FILE = 4 * 1024 * 1024;

export function blobPath(storeDir: string, hash: string): string {
  return join(storeDir, "blobs", hash.slice(0, 2), hash);
}

export function tempPath(storeDir: string): string {
  return join(storeDir, "tmp", `${process.pid}-${randomBytes(8).toString("hex")}`);
}

function place(storeDir: string, tmp: string, digest: string): void {
  const target = blobPath(storeDir, digest);
  try {
    renameSync(tmp, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    mkdirSync(join(storeDir, "blobs", digest.slice(0, 2)), { recursive: true });
    renameSync(tmp, target);
  }
}

export function writeAll(fd: number, data: Buffer): void {
  for (let at = 0; at < data.length;) at += writeSync(fd, data, at, data.length - at);
}

function writeBlob(tmp: string, write: (fd: number) => void): void {
  const fd = openSync(tmp, "wx", BLOB_MODE);
  try {
    write(fd);
    fchmodSync(fd, BLOB_MODE);
  } finally {
    closeSync(fd);
  }
}

/** Stores a file's content and returns its SHA-256; the digest is of exactly the bytes stored. */
function ingestFile(storeDir: string, path: string, size: number): string {
  if (size <= SMALL_FILE) {
    const data = readFileSync(path);
    const digest = createHash("sha256").update(data).digest("hex");
    const target = blobPath(storeDir, digest);
    if (existsSync(target)) return digest;
    // Written beside its final name: a rename within one directory does not queue behind
    // the file system's lock for renames across directories, which ext4 takes for those.
    const tmp = join(dirname(target), `.tmp-${process.pid}-${randomBytes(6).toString("hex")}`);
    try {
      writeBlob(tmp, (fd) => writeAll(fd, data));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      mkdirSync(dirname(target), { recursive: true });
      writeBlob(tmp, (fd) => writeAll(fd, data));
    }
    renameSync(tmp, target);
    return digest;
  }
  const tmp = tempPath(storeDir);
  const hash = createHash("sha256");
  const src = openSync(path, "r");
  try {
    writeBlob(tmp, (fd) => {
      const buf = Buffer.allocUnsafe(1024 * 1024);
      for (let n = readSync(src, buf); n > 0; n = readSync(src, buf)) {
        hash.update(buf.subarray(0, n));
        writeAll(fd, buf.subarray(0, n));
      }
    });
  } finally {
    closeSync(src);
  }
  const digest = hash.digest("hex");
  if (existsSync(blobPath(storeDir, digest))) rmSync(tmp, { force: true });
  else place(storeDir, tmp, digest);
  return digest;
}

export interface IngestJob {
  abs: string;
  size: number;
}

export function ingestSync(storeDir: string, jobs: IngestJob[]): string[] {
  mkdirSync(join(storeDir, "tmp"), { recursive: true });
  return jobs.map((j) => ingestFile(storeDir, j.abs, j.size));
}

export interface RestoreJob {
  dest: string;
  type: "file" | "symlink";
  blob?: string;
  target?: string;
  mode: number;
  mtime: number;
  /** Bytes, for dividing the work. */
  size: number;
}

/** Runs create, again after removing dest when it exists. */
export function replacing(dest: string, create: () => void): void {
  try {
    create();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    // Replaced, not written through: the old file may be a hard link to something else.
    unlinkSync(dest);
    create();
  }
}

/** Writes files and symbolic links; their directories exist. */
export function restoreSync(storeDir: string, jobs: RestoreJob[]): void {
  for (const j of jobs) {
    if (j.type === "symlink") {
      replacing(j.dest, () => symlinkSync(j.target ?? "", j.dest));
      continue;
    }
    const blob = blobPath(storeDir, j.blob ?? "");
    replacing(j.dest, () => copyFileSync(blob, j.dest, fsc.COPYFILE_EXCL | fsc.COPYFILE_FICLONE));
    if (j.mode !== BLOB_MODE) chmodSync(j.dest, j.mode);
    utimesSync(j.dest, j.mtime / 1000, j.mtime / 1000);
  }
}

/**
 * Creates the directories, then checks that none of them resolves outside its root (an
 * existing symbolic link on the way would make the restore write elsewhere).
 */
export function prepareDirsSync(dirs: { dir: string; root: string }[]): void {
  const sorted = [...dirs].sort((a, b) => (a.dir < b.dir ? -1 : 1));
  for (const [n, d] of sorted.entries()) {
    if (!(sorted[n + 1]?.dir.startsWith(`${d.dir}/`) ?? false)) mkdirSync(d.dir, { recursive: true });
  }
  const realRoots = new Map<string, string>();
  for (const { dir, root } of sorted) {
    let base = realRoots.get(root);
    if (base === undefined) {
      base = realpathSync.native(root);
      realRoots.set(root, base);
    }
    const real = realpathSync.native(dir);
    if (real !== base && !real.startsWith(`${base}/`)) throw new Error(`refusing to restore into ${dir}: it resolves to ${real}, outside ${base}`);
  }
}

export interface FinishDirJob {
  dest: string;
  mode: number;
  mtime: number;
}

/** Directory modes and times, deepest first, after their contents were written. */
export function finishDirsSync(dirs: FinishDirJob[]): void {
  for (const d of [...dirs].sort((a, b) => b.dest.length - a.dest.length)) {
    chmodSync(d.dest, d.mode);
    utimesSync(d.dest, d.mtime / 1000, d.mtime / 1000);
  }
}
