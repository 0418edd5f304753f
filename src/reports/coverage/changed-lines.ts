// The lines a change adds against a base branch: the commits since the merge base, staged and
// unstaged edits, and untracked files, all in the working tree's line numbers, which is what a
// coverage report of the working tree uses.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultBranchCommit, GitError, gitOutput, mergeBase, repoRoot, resolveCommit } from "../../git/git.js";
import { addedLines } from "./diff.js";

export interface ChangedLines {
  /** The base as given, or the default branch's name. */
  base: string;
  mergeBase: string;
  /** Added or changed lines per repository-relative path, ascending. */
  files: Map<string, number[]>;
}

// Settings that would change the shape of file names in the diff are pinned, whatever the
// user's configuration says.
const CONFIG = ["-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false"];

// One diff from the merge base to the working tree rather than base...HEAD plus HEAD to the
// working tree: the second would number its lines differently from the first.
const DIFF = ["diff", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "--find-renames", "--src-prefix=a/", "--dst-prefix=b/"];

function run(root: string, args: string[]): string {
  return gitOutput(root, [...CONFIG, ...args]);
}

/** Every line of a new text file is added; binary files (a NUL byte) have none to cover. */
function linesOfNewFile(path: string): number[] {
  const text = readFileSync(path);
  if (text.includes(0)) return [];
  let count = 0;
  for (const byte of text) if (byte === 10) count++;
  if (text.length > 0 && text[text.length - 1] !== 10) count++;
  return Array.from({ length: count }, (_, i) => i + 1);
}

/**
 * Untracked files are read whole, so only those `measured` accepts are: a coverage report's files,
 * rather than, say, a large database nobody ignored. Throws GitError when the base names no
 * commit or shares no history with HEAD.
 */
export function changedLines(dir: string, base?: string, measured: (path: string) => boolean = () => true): ChangedLines {
  const root = repoRoot(dir);
  const { branch: name, sha: baseSha } = base === undefined ? defaultBranchCommit(root) : { branch: base, sha: resolveCommit(root, base) };
  if (baseSha === undefined) throw new GitError(`there is no commit '${name}' to compare with; pass --base REF`, "bad-revision", root);
  const head = resolveCommit(root, "HEAD");
  if (head === undefined) throw new GitError(`${root} has no commits yet, so nothing to compare with '${name}'`, "bad-revision", root);
  const from = mergeBase(root, baseSha, head);
  if (from === undefined) throw new GitError(`HEAD and '${name}' share no history; pass --base REF`, "bad-revision", root);

  const files = addedLines(run(root, [...DIFF, from, "--"]));
  const untracked = run(root, ["ls-files", "--others", "--exclude-standard", "-z"])
    .split("\0")
    .filter((p) => p !== "");
  for (const path of untracked.filter(measured)) {
    const lines = linesOfNewFile(join(root, path));
    if (lines.length > 0) files.set(path, lines);
  }
  return { base: name, mergeBase: from, files };
}
