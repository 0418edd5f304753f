// The snapshot of a repository a job runs on: tracked plus untracked-but-not-ignored
// files, so uncommitted work is what gets tested.
import { execFile } from "node:child_process";
import { constants, type Dirent } from "node:fs";
import { copyFile, lstat, mkdir, readdir, readlink, symlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import { sharedWhileRunning } from "../util/memoize.js";

/** tierci's own state (run database, caches) is never part of what a job sees. */
function isToolState(path: string): boolean {
  return path === ".tierci" || path.startsWith(".tierci/");
}

// Jobs that start together list the same tree at the same moment: a listing asked for while an
// equal one is running shares it.
const inFlight = new Map<string, Promise<string[] | null>>();

function snapshotFileList(source: string): Promise<string[] | null> {
  return sharedWhileRunning(inFlight, source, () => listFiles(source));
}

/**
 * Files a snapshot holds, relative to `source`; null when `source` is not inside a git work tree.
 * Asynchronous so that listing one job's snapshot does not stall the steps of jobs already running.
 */
function listFiles(source: string): Promise<string[] | null> {
  return new Promise((resolvePromise) => {
    execFile(
      "git",
      ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
      { cwd: source, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 },
      (err, stdout) => {
        resolvePromise(err ? null : [...new Set(stdout.split("\0").filter((p) => p.length > 0 && !isToolState(p)))]);
      },
    );
  });
}

async function walk(source: string, rel: string, out: string[]): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(join(source, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === ".git" || (rel === "" && e.name === ".tierci")) continue;
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) await walk(source, p, out);
    else out.push(p);
  }
}

const COPY_CONCURRENCY = 32;

/**
 * Copies the snapshot of `source` into `target`. Copies use reflinks where the file
 * system has them, so a large repository costs little; a tracked file deleted in the
 * working tree is simply absent, as it would be in the work tree.
 */
export async function copySnapshot(source: string, target: string): Promise<number> {
  let files = await snapshotFileList(source);
  if (files === null) {
    files = [];
    await walk(source, "", files);
  }
  const dirsMade = new Set<string>();
  const ensureDir = async (dir: string): Promise<void> => {
    if (dirsMade.has(dir)) return;
    await mkdir(dir, { recursive: true });
    dirsMade.add(dir);
  };
  let copied = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const rel = files[next++] as string;
      const from = join(source, rel);
      const to = join(target, rel);
      let st;
      try {
        st = await lstat(from);
      } catch {
        continue;
      }
      await ensureDir(dirname(to));
      if (st.isSymbolicLink()) await symlink(await readlink(from), to);
      else if (st.isFile()) await copyFile(from, to, constants.COPYFILE_FICLONE);
      else continue;
      copied++;
    }
  };
  await Promise.all(Array.from({ length: COPY_CONCURRENCY }, worker));
  return copied;
}
