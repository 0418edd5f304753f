// The lines a change adds and removes, file by file, from git's unified diff with no
// context lines.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GitError, mergeBase, repoRoot, resolveCommit } from "../../git/git.js";
import { gitOutput } from "../../git/git.js";
import { parseUnifiedDiff, type FileChange } from "../../git/unified-diff.js";
import { untrackedFiles } from "./git.js";

const DIFF = ["diff", "--no-color", "--no-ext-diff", "--no-renames", "--no-relative", "--unified=0", "--src-prefix=a/", "--dst-prefix=b/"];

export interface ChangeSet {
  /** The commit the change is measured from: the merge base of base and head. */
  from: string;
  /** The head commit, or undefined for the working tree. */
  to: string | undefined;
  files: FileChange[];
}

function commit(dir: string, rev: string, what: string): string {
  const sha = resolveCommit(dir, rev);
  if (sha === undefined) throw new GitError(`${what} '${rev}' is not a commit in this repository (fetch it, or fetch with more depth)`, "bad-revision", dir);
  return sha;
}

/**
 * The change from the merge base of `base` and `head` to `head` (what `git diff base...head`
 * shows), or to the working tree, untracked files included, when `head` is undefined.
 */
export function changesSince(repoDir: string, base: string, head: string | undefined): ChangeSet {
  // Diff paths are relative to the top of the work tree, and so are pack globs.
  const dir = repoRoot(repoDir);
  const baseSha = commit(dir, base, "base");
  const headSha = head === undefined ? undefined : commit(dir, head, "head");
  // The working tree grows from HEAD; an unborn HEAD shares no history with the base.
  const tip = headSha ?? resolveCommit(dir, "HEAD");
  const from = tip === undefined ? baseSha : mergeBase(dir, baseSha, tip);
  if (from === undefined) throw new GitError(`'${base}' and '${head ?? "HEAD"}' have no common history to compare`, "bad-revision", dir);
  const files = parseUnifiedDiff(gitOutput(dir, [...DIFF, from, ...(headSha === undefined ? [] : [headSha]), "--"]));
  if (headSha === undefined) {
    for (const path of untrackedFiles(dir)) {
      const content = readFileSync(join(dir, path));
      const binary = content.subarray(0, 8000).includes(0);
      const text = binary ? "" : content.toString("utf8").replace(/\r?\n$/, "");
      files.push({ path, added: text === "" ? [] : text.split(/\r?\n/).map((t, i) => ({ line: i + 1, text: t })), removed: [], binary });
    }
  }
  return { from, to: headSha, files: files.sort((a, b) => a.path.localeCompare(b.path)) };
}
