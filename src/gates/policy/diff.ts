// The lines a change adds and removes, file by file, from git's unified diff with no
// context lines. Added lines carry their number in the new file, removed ones in the old.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GitError, mergeBase, repoRoot, resolveCommit } from "../../git/git.js";
import { gitOutput } from "../../git/git.js";
import { untrackedFiles } from "./git.js";

export interface ChangedLine {
  line: number;
  text: string;
}

export interface FileChange {
  /** The path after the change; the old path for a deleted file. */
  path: string;
  added: ChangedLine[];
  removed: ChangedLine[];
  binary: boolean;
}

/** A C-quoted path as git prints names with special characters: `"a\tb"`. */
function unquote(text: string): string {
  if (!text.startsWith('"')) return text;
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, '"': 34, "\\": 92 };
  for (let i = 1; i < text.length - 1; i++) {
    const ch = text[i] as string;
    if (ch !== "\\") {
      bytes.push(...Buffer.from(ch, "utf8"));
      continue;
    }
    const next = text[i + 1] as string;
    const octal = /^[0-7]{3}/.exec(text.slice(i + 1));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** `a/x b/x` (renames are off, so both sides name the same file), quoted or not. */
function headerPath(rest: string): string {
  if (rest.startsWith('"')) {
    const end = rest.indexOf('" ', 1);
    return unquote(rest.slice(0, end + 1)).slice(2);
  }
  return rest.slice(2, (rest.length - 1) / 2);
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export function parseUnifiedDiff(text: string): FileChange[] {
  const files: FileChange[] = [];
  const lines = text.split("\n");
  let current: FileChange | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith("diff --git ")) {
      current = { path: headerPath(line.slice("diff --git ".length)), added: [], removed: [], binary: false };
      files.push(current);
    } else if (current === undefined) {
      continue;
    } else if (line.startsWith("--- ") || line.startsWith("+++ ")) {
      // git ends the name with a tab when it contains a space, so that patch tools find its end.
      const name = unquote(line.slice(4).replace(/\t$/, ""));
      if (name !== "/dev/null") current.path = name.slice(2);
    } else if (line.startsWith("Binary files ")) {
      current.binary = true;
    } else {
      const hunk = HUNK.exec(line);
      if (!hunk) continue;
      let oldLine = Number(hunk[1]);
      let newLine = Number(hunk[3]);
      let oldLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      let newLeft = hunk[4] === undefined ? 1 : Number(hunk[4]);
      // Count the hunk's lines instead of reading prefixes, so that a removed "-- x" is not taken for a header.
      while ((oldLeft > 0 || newLeft > 0) && i + 1 < lines.length) {
        const body = lines[++i] as string;
        if (body.startsWith("\\")) continue;
        const mark = body[0];
        const content = body.slice(1).replace(/\r$/, "");
        if (mark === "-") {
          current.removed.push({ line: oldLine++, text: content });
          oldLeft--;
        } else if (mark === "+") {
          current.added.push({ line: newLine++, text: content });
          newLeft--;
        } else {
          oldLine++;
          newLine++;
          oldLeft--;
          newLeft--;
        }
      }
    }
  }
  return files;
}

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
