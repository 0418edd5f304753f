// Where the text to scan comes from: git's patch stream (history, index) read line by line
// as git writes it, and the files of a working tree or a plain directory.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { GitError } from "../../git/git.js";

// Variables a git hook or wrapper may have exported would point git at another repository
// than the one asked about. GIT_INDEX_FILE is kept: a pre-commit hook's `--staged` scan must
// read the index the commit is being made from.
const REPOSITORY_VARS = new Set([
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
  "GIT_PREFIX",
]);

function gitEnv(): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !REPOSITORY_VARS.has(name)));
  // A partial clone would fetch a missing object from its remote; a scan must never go online.
  return { ...inherited, LC_ALL: "C", GIT_OPTIONAL_LOCKS: "0", GIT_TERMINAL_PROMPT: "0", GIT_NO_LAZY_FETCH: "1" };
}

/**
 * Options before the subcommand: paths as UTF-8 text, not octal escapes; and no transport at all,
 * so that git versions without GIT_NO_LAZY_FETCH cannot fetch a partial clone's missing objects.
 */
const GIT_GLOBAL = ["-c", "core.quotePath=false", "-c", "protocol.allow=never"];

/**
 * Runs git and hands each line of its standard output to `onLine` as it arrives, as the range
 * [start, end) of a chunk of text: most lines of a patch are looked at, not kept.
 */
export async function gitLines(dir: string, args: string[], onLine: (text: string, start: number, end: number) => void, signal?: AbortSignal): Promise<void> {
  const child = spawn("git", [...GIT_GLOBAL, ...args], { cwd: dir, env: gitEnv(), stdio: ["ignore", "pipe", "pipe"], ...(signal ? { signal } : {}) });
  let stderr = "";
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d: string) => (stderr = (stderr + d).slice(-4000)));
  const closed = once(child, "close");
  // An error event (git missing, aborted) ends the wait with that error.
  closed.catch(() => undefined);
  const decoder = new StringDecoder("utf8");
  let rest = "";
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        onLine(text, start, nl);
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    rest += decoder.end();
    if (rest !== "") onLine(rest, 0, rest.length);
    const [code] = (await closed) as [number | null];
    if (code !== 0) throw new GitError(`git ${args.slice(0, 2).join(" ")} failed in ${dir}: ${stderr.trim() || `exit status ${code}`}`, "failed", dir, stderr);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new GitError("git was not found on PATH; install git and try again", "git-missing", dir);
    throw err;
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

/** The top of the git work tree holding `dir`, or undefined when `dir` is not in one. */
export function workTreeRoot(dir: string): string | undefined {
  const r = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd: dir, env: gitEnv(), encoding: "utf8" });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT")
    throw new GitError("git was not found on PATH; install git and try again", "git-missing", dir);
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** Tracked files and untracked files that .gitignore does not exclude, under `pathspec`. */
export function gitListFiles(root: string, pathspec: string | undefined): string[] {
  const args = [...GIT_GLOBAL, "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", ...(pathspec ? [pathspec] : [])];
  const r = spawnSync("git", args, { cwd: root, env: gitEnv(), encoding: "utf8", maxBuffer: 1024 * 1024 * 1024 });
  if (r.status !== 0) throw new GitError(`git ls-files failed in ${root}: ${(r.stderr ?? "").trim()}`, "failed", root, r.stderr ?? "");
  return [...new Set(r.stdout.split("\0").filter((s) => s !== ""))].sort();
}

/** Every file under `dir` outside .git directories, relative to `root`. */
export function walkFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.name === ".git") continue;
      const p = join(d, entry.name);
      if (entry.isDirectory()) visit(p);
      else if (entry.isFile()) out.push(relative(root, p).split(sep).join("/"));
    }
  };
  const stat = lstatSync(dir);
  if (stat.isFile()) return [relative(root, dir).split(sep).join("/")];
  visit(dir);
  return out.sort();
}

export type FileRead = { kind: "text"; text: string } | { kind: "skipped"; why: "binary" | "large" | "not-a-file" };

/** A file's text, unless it is not a regular file, is larger than `maxBytes`, or is binary (a NUL in its first 8,000 bytes, as git decides). */
export function readTextFile(path: string, maxBytes: number): FileRead {
  let size: number;
  try {
    const st = lstatSync(path);
    if (!st.isFile()) return { kind: "skipped", why: "not-a-file" };
    size = st.size;
  } catch {
    return { kind: "skipped", why: "not-a-file" };
  }
  if (size > maxBytes) return { kind: "skipped", why: "large" };
  const data = readFileSync(path);
  if (data.subarray(0, 8000).includes(0)) return { kind: "skipped", why: "binary" };
  return { kind: "text", text: data.toString("utf8") };
}

/** Whether the repository is a shallow clone (its history stops at a grafted commit). */
export function isShallow(dir: string): boolean {
  const r = spawnSync("git", ["rev-parse", "--is-shallow-repository"], { cwd: dir, env: gitEnv(), encoding: "utf8" });
  return r.status === 0 && r.stdout.trim() === "true";
}
