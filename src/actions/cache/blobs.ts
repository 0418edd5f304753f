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
  mkdirSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
} from "node:fs";
import { join } from "node:path";

/** Mode every blob is stored with, so that restoring a file of this mode needs no chmod. */
const BLOB_MODE = 0o644;

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

/** A buffer of this thread's, grown when needed and reused, so that reading costs no fresh memory per file. */
let scratch = Buffer.allocUnsafe(0);

export function scratchBuffer(size: number): Buffer {
  if (scratch.length < size) scratch = Buffer.allocUnsafe(size);
  return scratch;
}

/**
 * Stores a file's content as a blob; its SHA-256 and size. The kernel copies the file to a
 * temporary name and the copy is hashed: the name is the digest of exactly the bytes stored,
 * even when the file changes meanwhile, and the bytes cross into this thread only to be hashed.
 * On a copy-on-write file system (btrfs, XFS, APFS) the copy is a clone that shares the blocks.
 */
function ingestFile(storeDir: string, path: string): [string, number] {
  const tmp = tempPath(storeDir);
  copyFileSync(path, tmp, fsc.COPYFILE_EXCL | fsc.COPYFILE_FICLONE);
  // Before reading it back: the copy has the file's mode, which need not let its owner read.
  chmodSync(tmp, BLOB_MODE);
  const hash = createHash("sha256");
  let size = 0;
  const fd = openSync(tmp, "r");
  try {
    const buf = scratchBuffer(1024 * 1024);
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) {
      hash.update(buf.subarray(0, n));
      size += n;
    }
  } finally {
    closeSync(fd);
  }
  const digest = hash.digest("hex");
  if (existsSync(blobPath(storeDir, digest))) rmSync(tmp, { force: true });
  else place(storeDir, tmp, digest);
  return [digest, size];
}

export function ingestSync(storeDir: string, paths: string[]): [string, number][] {
  mkdirSync(join(storeDir, "tmp"), { recursive: true });
  return paths.map((path) => ingestFile(storeDir, path));
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
