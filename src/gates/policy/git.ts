// The git questions the gates ask that src/git does not answer: file lists and patches.
// Errors are GitErrors, which the CLI already turns into exit code 2 with their message.
import { spawnSync } from "node:child_process";
import { GitError } from "../../git/git.js";

// Set by git hooks and wrappers; they would point git at another repository than `dir`.
const INHERITED = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR", "GIT_PREFIX"];

function env(): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !INHERITED.includes(name));
  return { ...Object.fromEntries(inherited), LC_ALL: "C", GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0" };
}

/** git's standard output; a status other than 0 is a GitError. */
export function gitOutput(dir: string, args: readonly string[]): string {
  const r = spawnSync("git", ["-c", "core.quotePath=false", ...args], { cwd: dir, encoding: "utf8", env: env(), maxBuffer: 1024 * 1024 * 1024 });
  if (r.error !== undefined) {
    const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new GitError(missing ? "git was not found on PATH; install git and try again" : `could not run git in ${dir}: ${r.error.message}`, missing ? "git-missing" : "failed", dir);
  }
  if (r.status !== 0) {
    const stderr = r.stderr.trim();
    if (/not a git repository/i.test(stderr)) throw new GitError(`${dir} is not inside a git repository; pass --repo with your project's checkout`, "not-a-repository", dir, stderr);
    throw new GitError(`git ${args.join(" ")} failed in ${dir}: ${stderr || `exit status ${r.status}`}`, "failed", dir, stderr);
  }
  return r.stdout;
}

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
