// The identity of the exact tree a job tests: tracked files plus untracked, not ignored ones, as
// the job's snapshot holds them, uncommitted changes included. It is the id of a git tree object,
// so it names file contents, modes and symlinks exactly, and a clean checkout's fingerprint is
// its commit's tree. git's own index is the stat cache (path, size, mtime, ctime, inode, with
// its racy-timestamp rules): a copy of the repository's index is brought up to date with
// `git add -A`, which hashes only the files whose stat changed or that the index does not hold.
// The copy and the objects it writes live in tierci's state, never in the user's index or
// object store, and are removed when the fingerprint is taken.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readFile, rm, stat, utimes } from "node:fs/promises";
import { join } from "node:path";
import { sharedWhileRunning } from "../util/memoize.js";
import { gitEnv, gitPaths } from "./git.js";

export interface TreeEntry {
  /** git's mode: 100644, 100755, 120000 (a symlink) or 160000 (a submodule). */
  mode: string;
  /** The blob (or commit, for a submodule) id. */
  id: string;
  /** Relative to the repository's top, with `/`. */
  path: string;
}

export interface TreeFingerprint {
  /** The git tree id of the whole snapshot. */
  tree: string;
  /** Every file of it, by path; only when asked for. */
  entries?: TreeEntry[];
}

interface Run {
  stdout: string;
  status: number;
  stderr: string;
}

function run(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolvePromise) => {
    execFile("git", args, { cwd, env, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 }, (err, stdout, stderr) => {
      const status = err === null ? 0 : typeof err.code === "number" ? err.code : -1;
      resolvePromise({ stdout, status, stderr });
    });
  });
}

function parseEntries(stdout: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of stdout.split("\0")) {
    // "<mode> <id> <stage>\t<path>"
    const tab = record.indexOf("\t");
    if (tab < 0) continue;
    const [mode = "", id = ""] = record.slice(0, tab).split(" ");
    entries.push({ mode, id, path: record.slice(tab + 1) });
  }
  return entries;
}

function pathsOf(repoRoot: string): { index: string; objects: string } | undefined {
  try {
    return gitPaths(repoRoot);
  } catch {
    return undefined;
  }
}

/** Copies the index with its modification time: git's racy-timestamp check compares file times against it. */
async function copyIndex(from: string, to: string): Promise<void> {
  let st;
  try {
    st = await stat(from);
  } catch {
    return;
  }
  await copyFile(from, to);
  await utimes(to, st.atime, st.mtime);
}

// Jobs that start together ask for the same tree at the same moment: a call made while an equal
// one is being answered shares its answer instead of running git again.
const inFlight = new Map<string, Promise<TreeFingerprint | { error: string }>>();

/**
 * The fingerprint of `repoRoot`'s snapshot, or why there is none (not a git work tree, an
 * unreadable file). `workDir` is a directory of tierci's state the temporary index and objects go
 * under; calls may run at once.
 */
export function fingerprintTree(repoRoot: string, workDir: string, options: { entries?: boolean } = {}): Promise<TreeFingerprint | { error: string }> {
  return sharedWhileRunning(inFlight, `${repoRoot}\0${workDir}\0${options.entries === true}`, () => takeFingerprint(repoRoot, workDir, options));
}

async function takeFingerprint(repoRoot: string, workDir: string, options: { entries?: boolean }): Promise<TreeFingerprint | { error: string }> {
  const base = gitEnv();
  const paths = pathsOf(repoRoot);
  if (paths === undefined) return { error: `${repoRoot} is not a git work tree` };
  const scratch = join(workDir, `fingerprint-${process.pid}-${randomBytes(6).toString("hex")}`);
  await mkdir(join(scratch, "objects"), { recursive: true });
  try {
    const index = join(scratch, "index");
    // No index yet (a repository without a commit or `git add`): git starts from an empty one.
    await copyIndex(paths.index, index);
    const env: NodeJS.ProcessEnv = {
      ...base,
      GIT_INDEX_FILE: index,
      GIT_OBJECT_DIRECTORY: join(scratch, "objects"),
      GIT_ALTERNATE_OBJECT_DIRECTORIES: paths.objects,
    };
    // No exclude pathspec for tierci's state: git add refuses one that names an ignored path,
    // and most repositories ignore .tierci. What it added or the index tracked is taken out after.
    const added = await run(repoRoot, ["add", "-A"], env);
    if (added.status !== 0) return { error: `git add could not read the work tree: ${added.stderr.trim() || `exit status ${added.status}`}` };
    // The index holds paths as plain bytes: one that names none of tierci's state needs no git call.
    if ((await readFile(index)).includes(".tierci/")) {
      const removed = await run(repoRoot, ["rm", "-r", "-q", "--cached", "--ignore-unmatch", "--", ".tierci"], env);
      if (removed.status !== 0) return { error: `git rm could not leave out .tierci: ${removed.stderr.trim()}` };
    }
    const tree = await run(repoRoot, ["write-tree"], env);
    if (tree.status !== 0) return { error: `git write-tree failed: ${tree.stderr.trim()}` };
    const result: TreeFingerprint = { tree: tree.stdout.trim() };
    if (options.entries) {
      const listed = await run(repoRoot, ["ls-files", "-s", "-z"], env);
      if (listed.status !== 0) return { error: `git ls-files failed: ${listed.stderr.trim()}` };
      result.entries = parseEntries(listed.stdout);
    }
    return result;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
