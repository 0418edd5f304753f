// The git questions the gates ask that src/git does not answer: file lists and patches.
// Errors are GitErrors, which the CLI already turns into exit code 2 with their message.
import { GitError, gitOutput } from "../../git/git.js";

function nulList(text: string): string[] {
  return text.split("\0").filter((s) => s !== "");
}

/** Files git tracks, relative to `dir` (and under it). */
export function trackedFiles(dir: string): string[] {
  return nulList(gitOutput(dir, ["ls-files", "-z", "--cached"]));
}

/** Untracked files that .gitignore does not exclude: what `git add -A` would add. */
export function untrackedFiles(dir: string): string[] {
  return nulList(gitOutput(dir, ["ls-files", "-z", "--others", "--exclude-standard"]));
}

/** Tracked files that the ignore rules would exclude if they were not tracked already. */
export function ignoredTrackedFiles(dir: string): string[] {
  return nulList(gitOutput(dir, ["ls-files", "-z", "--cached", "--ignored", "--exclude-standard"]));
}

/** The files of a working tree, tracked or about to be; undefined when `dir` is not a git repository. */
export function projectFiles(dir: string): string[] | undefined {
  try {
    return [...new Set([...trackedFiles(dir), ...untrackedFiles(dir)])].sort();
  } catch (err) {
    if (err instanceof GitError) return undefined;
    throw err;
  }
}
