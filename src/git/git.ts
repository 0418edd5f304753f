// Read-only questions about a repository, answered by the `git` CLI. Synchronous because
// planning needs the answers before anything else can start, and each call is short.
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { parseRemoteUrl, type RepoSlug } from "./remote.js";

/** The sha GitHub uses for "no commit": an unborn HEAD, a new branch's `before`. */
export const ZERO_SHA = "0".repeat(40);

export type GitErrorKind = "no-directory" | "git-missing" | "not-a-repository" | "bad-revision" | "failed";

export class GitError extends Error {
  override readonly name = "GitError";
  constructor(
    message: string,
    readonly kind: GitErrorKind,
    readonly dir: string,
    readonly stderr = "",
  ) {
    super(message);
  }
}

// Variables a git hook or wrapper may have exported would point git at another repository
// than the directory we were asked about.
const INHERITED_GIT_VARS = new Set([
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
  "GIT_PREFIX",
]);

/** The environment every git call of tierci's gets: none of a hook's GIT_* redirections, English messages, no prompt. */
export function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !INHERITED_GIT_VARS.has(name)));
  // English messages, so that "not a git repository" can be recognised.
  env.LC_ALL = "C";
  // Never take the index lock: the user may be running git in the same checkout meanwhile.
  env.GIT_OPTIONAL_LOCKS = "0";
  env.GIT_TERMINAL_PROMPT = "0";
  return env;
}

interface Output {
  status: number;
  stdout: string;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Runs git in `dir`; statuses other than `allowed` raise a GitError. */
function git(dir: string, args: readonly string[], allowed: readonly number[] = [0]): Output {
  if (!isDirectory(dir)) throw new GitError(`${dir} does not exist or is not a directory; pass --repo with the path of your project`, "no-directory", dir);
  const result = spawnSync("git", args, { cwd: dir, encoding: "utf8", env: gitEnv(), maxBuffer: 512 * 1024 * 1024 });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new GitError("git was not found on PATH; install git (https://git-scm.com) and try again", "git-missing", dir);
    throw new GitError(`could not run git in ${dir}: ${result.error.message}`, "failed", dir);
  }
  const stderr = result.stderr.trim();
  if (/not a git repository/i.test(stderr)) {
    throw new GitError(
      `${dir} is not inside a git repository; run tierci in your project's checkout, pass --repo DIR, or create one with 'git init'`,
      "not-a-repository",
      dir,
      stderr,
    );
  }
  const status = result.status ?? -1;
  if (!allowed.includes(status)) {
    throw new GitError(`git ${args.join(" ")} failed in ${dir}: ${stderr || `exit status ${status}`}`, "failed", dir, stderr);
  }
  return { status, stdout: result.stdout };
}

/** git's standard output, paths unquoted; a status other than 0 is a GitError. */
export function gitOutput(dir: string, args: readonly string[]): string {
  return git(dir, ["-c", "core.quotePath=false", ...args]).stdout;
}

function nulList(stdout: string): string[] {
  return stdout.split("\0").filter((s) => s !== "");
}

// A revision starting with '-' would be read by git as an option.
function checkRevision(dir: string, rev: string): void {
  if (rev === "" || rev.startsWith("-")) throw new GitError(`'${rev}' is not a valid git revision`, "bad-revision", dir);
}

// A run asks for the same directory's top several times (loading, planning, snapshot); a
// directory does not move to another work tree while it exists, so a found answer is kept.
// Failures are not kept: the user may `git init` and ask again in a long-lived process.
interface WorkTree {
  root: string;
  /** The index and object directory, absolute: a worktree's or a submodule's are not under `<root>/.git`. */
  index: string;
  objects: string;
}
const workTrees = new Map<string, WorkTree>();

function workTree(dir: string): WorkTree {
  const key = resolve(dir);
  let found = workTrees.get(key);
  if (found === undefined || !isDirectory(key)) {
    // The paths come with the top in one call: a snapshot's fingerprint needs them next.
    const [root = "", index = "", objects = ""] = git(key, ["rev-parse", "--show-toplevel", "--git-path", "index", "--git-path", "objects"]).stdout.split("\n");
    found = { root, index: resolve(key, index), objects: resolve(key, objects) };
    workTrees.set(key, found);
    // Callers go on to ask about the top itself.
    workTrees.set(resolve(root), found);
  }
  return found;
}

/** The top of the work tree containing `dir`. */
export function repoRoot(dir: string): string {
  return workTree(dir).root;
}

/** Where the index and the object store of the work tree containing `dir` are. */
export function gitPaths(dir: string): { index: string; objects: string } {
  const { index, objects } = workTree(dir);
  return { index, objects };
}

/** The checked-out branch (also when it has no commits yet), or undefined on a detached HEAD. */
export function currentBranch(dir: string): string | undefined {
  const out = git(dir, ["symbolic-ref", "--quiet", "--short", "HEAD"], [0, 1]);
  return out.status === 0 ? out.stdout.trim() : undefined;
}

/** The commit a revision names, or undefined when it names none. */
export function resolveCommit(dir: string, rev: string): string | undefined {
  checkRevision(dir, rev);
  const out = git(dir, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], [0, 1]);
  return out.status === 0 ? out.stdout.trim() : undefined;
}

/** Whether a ref (branch, tag, sha, `HEAD~1`, ...) names a commit. */
export function refExists(dir: string, ref: string): boolean {
  return resolveCommit(dir, ref) !== undefined;
}

/** HEAD's sha, or ZERO_SHA when the repository has no commits yet. */
export function headSha(dir: string): string {
  return resolveCommit(dir, "HEAD") ?? ZERO_SHA;
}

/** A branch's commit: the local branch, else the one on origin (a fresh clone has only that). */
export function branchCommit(dir: string, branch: string): string | undefined {
  return resolveCommit(dir, `refs/heads/${branch}`) ?? resolveCommit(dir, `refs/remotes/origin/${branch}`);
}

/** Tags pointing at a revision, highest version first. */
export function tagsAt(dir: string, rev: string): string[] {
  checkRevision(dir, rev);
  const out = git(dir, ["tag", "--points-at", rev, "--sort=-version:refname"]);
  return out.stdout.split("\n").filter((s) => s !== "");
}

/**
 * The branch pull requests target: origin/HEAD when the clone recorded it, else `main` or
 * `master` when present, else the current branch (a repository with a single branch); and its
 * commit as branchCommit finds it, undefined when it has none yet.
 */
export function defaultBranchCommit(dir: string): { branch: string; sha: string | undefined } {
  const originHead = git(dir, ["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"], [0, 1, 128]);
  const prefix = "refs/remotes/origin/";
  const target = originHead.stdout.trim();
  if (originHead.status === 0 && target.startsWith(prefix)) {
    const branch = target.slice(prefix.length);
    return { branch, sha: branchCommit(dir, branch) };
  }
  for (const candidate of ["main", "master"]) {
    const sha = branchCommit(dir, candidate);
    if (sha !== undefined) return { branch: candidate, sha };
  }
  const branch = currentBranch(dir) ?? "main";
  return { branch, sha: branchCommit(dir, branch) };
}

export interface BranchState {
  /** HEAD's sha, ZERO_SHA when the branch has no commits yet. */
  head: string;
  /** The checked-out branch, undefined on a detached HEAD. */
  branch: string | undefined;
  /** What defaultBranchCommit answers. */
  defaultBranch: string;
  defaultSha: string | undefined;
  /** HEAD's parents when the listing had them (HEAD on a branch with commits); empty for a root commit. */
  headParents?: string[];
}

/**
 * HEAD, its branch and the default branch with their commits, from one git call where asking
 * each question alone takes five or more: every local and origin branch is listed once, with
 * the one HEAD is on marked, and the answers are read from that list by the same rules. A
 * detached or unborn HEAD, which the list cannot show, takes one or two calls more.
 */
export function branchState(dir: string): BranchState {
  const format = "--format=%(refname)%09%(objectname)%09%(symref)%09%(HEAD)%09%(parent)";
  const listed = git(dir, ["for-each-ref", format, "refs/heads/", "refs/remotes/origin/"]).stdout;
  const refs = new Map<string, { sha: string; symref: string }>();
  let current: { ref: string; sha: string; parents: string[] } | undefined;
  for (const line of listed.split("\n")) {
    const [name, sha, symref = "", mark, parents = ""] = line.split("\t");
    if (!name || !sha) continue;
    refs.set(name, { sha, symref });
    if (mark === "*") current = { ref: name, sha, parents: parents.split(" ").filter((p) => p !== "") };
  }
  const commitOf = (branch: string): string | undefined => refs.get(`refs/heads/${branch}`)?.sha ?? refs.get(`refs/remotes/origin/${branch}`)?.sha;
  let headRef = current?.ref;
  if (headRef === undefined) {
    const symbolic = git(dir, ["symbolic-ref", "--quiet", "HEAD"], [0, 1]);
    headRef = symbolic.status === 0 ? symbolic.stdout.trim() : undefined;
  }
  const branch = headRef?.startsWith("refs/heads/") ? headRef.slice("refs/heads/".length) : undefined;
  const head = current?.sha ?? (headRef === undefined ? undefined : refs.get(headRef)?.sha) ?? resolveCommit(dir, "HEAD") ?? ZERO_SHA;
  const prefix = "refs/remotes/origin/";
  const originHead = refs.get(`${prefix}HEAD`)?.symref ?? "";
  let defaultBranch: string;
  if (originHead.startsWith(prefix)) defaultBranch = originHead.slice(prefix.length);
  else defaultBranch = ["main", "master"].find((c) => commitOf(c) !== undefined) ?? branch ?? "main";
  return { head, branch, defaultBranch, defaultSha: commitOf(defaultBranch), ...(current ? { headParents: current.parents } : {}) };
}

/** The best common ancestor of two revisions, or undefined when their histories are unrelated. */
export function mergeBase(dir: string, a: string, b: string): string | undefined {
  checkRevision(dir, a);
  checkRevision(dir, b);
  const out = git(dir, ["merge-base", a, b], [0, 1]);
  return out.status === 0 ? out.stdout.trim() : undefined;
}

// Renames are reported as a deletion plus an addition so that filters see both paths, as a
// file leaving `src/` is a change to `src/` too.
const DIFF_NAMES = ["diff", "--name-only", "--no-renames", "--no-ext-diff", "-z"];

/**
 * Files that differ between two commits (two-dot diff). With `from` undefined or ZERO_SHA,
 * every file of `to`, as for a root commit. Paths are relative to the repository root.
 */
export function changedFilesBetween(dir: string, from: string | undefined, to: string): string[] {
  checkRevision(dir, to);
  const root = repoRoot(dir);
  if (from === undefined || from === ZERO_SHA) {
    return nulList(git(root, ["ls-tree", "-r", "--name-only", "-z", to]).stdout).sort();
  }
  checkRevision(dir, from);
  return nulList(git(root, [...DIFF_NAMES, from, to, "--"]).stdout).sort();
}

/**
 * Files of the working tree that differ from `base`: committed, staged and unstaged changes,
 * deletions, and untracked files that .gitignore does not exclude. With `base` undefined
 * (no commits to compare with), every such file.
 */
export function workingTreeChanges(dir: string, base: string | undefined): string[] {
  const root = repoRoot(dir);
  if (base === undefined || base === ZERO_SHA) {
    // Tracked and untracked files in one listing; --exclude-standard applies to the untracked alone.
    return [...new Set(nulList(git(root, ["ls-files", "--cached", "--others", "--exclude-standard", "-z"]).stdout))].sort();
  }
  checkRevision(dir, base);
  const untracked = nulList(git(root, ["ls-files", "--others", "--exclude-standard", "-z"]).stdout);
  const tracked = nulList(git(root, [...DIFF_NAMES, base, "--"]).stdout);
  return [...new Set([...tracked, ...untracked])].sort();
}

/** The URL of `origin`, else of the first remote; undefined without remotes. */
export function remoteUrl(dir: string): string | undefined {
  // "<name>\t<url> (fetch)" lines give every remote's URL (rewritten by url.*.insteadOf, as
  // `git remote get-url` gives it) in one call, in the order `git remote` lists the names.
  const urls = new Map<string, string | undefined>();
  for (const line of git(dir, ["remote", "-v"]).stdout.split("\n")) {
    const tab = line.indexOf("\t");
    const name = tab < 0 ? line : line.slice(0, tab);
    if (name === "") continue;
    const rest = tab < 0 ? "" : line.slice(tab + 1);
    if (rest.endsWith(" (fetch)") && urls.get(name) === undefined) urls.set(name, rest.slice(0, -" (fetch)".length));
    else if (!urls.has(name)) urls.set(name, undefined);
  }
  const name = urls.has("origin") ? "origin" : [...urls.keys()][0];
  return name === undefined ? undefined : urls.get(name);
}

/** owner/repo from the remote, else `local/<directory name>` so that `github.repository` is never empty. */
export function repositorySlug(dir: string): RepoSlug {
  const url = remoteUrl(dir);
  const parsed = url === undefined ? undefined : parseRemoteUrl(url);
  return parsed ?? { owner: "local", name: basename(repoRoot(dir)) };
}

export interface Person {
  name: string;
  email: string;
  /** ISO 8601 with the author's or committer's offset. */
  date: string;
}

export interface CommitInfo {
  sha: string;
  treeSha: string;
  message: string;
  author: Person;
  committer: Person;
}

const COMMIT_FIELDS = ["%H", "%T", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%B"];

function parseCommits(stdout: string): CommitInfo[] {
  // Fields and commits are both NUL-terminated (-z), so the output is a flat list of fields.
  const fields = stdout.split("\0");
  const commits: CommitInfo[] = [];
  for (let i = 0; i + COMMIT_FIELDS.length <= fields.length; i += COMMIT_FIELDS.length) {
    const [sha, treeSha, an, ae, ad, cn, ce, cd, message] = fields.slice(i, i + COMMIT_FIELDS.length) as string[];
    if (sha === undefined || !/^[0-9a-f]{40,64}$/.test(sha.trim())) continue;
    commits.push({
      sha: sha.trim(),
      treeSha: treeSha ?? "",
      message: (message ?? "").replace(/\n+$/, ""),
      author: { name: an ?? "", email: ae ?? "", date: ad ?? "" },
      committer: { name: cn ?? "", email: ce ?? "", date: cd ?? "" },
    });
  }
  return commits;
}

const LOG = ["log", "--no-show-signature", "--no-color", "-z", `--format=${COMMIT_FIELDS.join("%x00")}`];

/** One commit's details, or undefined when `rev` names no commit (e.g. an unborn HEAD). */
export function commitInfo(dir: string, rev = "HEAD"): CommitInfo | undefined {
  const sha = resolveCommit(dir, rev);
  if (sha === undefined) return undefined;
  return parseCommits(git(dir, [...LOG, "-1", sha, "--"]).stdout)[0];
}

/** Commits reachable from `to` but not `from` (all of `to`'s history without `from`), oldest first, the newest `limit`. */
export function commitsBetween(dir: string, from: string | undefined, to: string, limit: number): CommitInfo[] {
  checkRevision(dir, to);
  if (from !== undefined) checkRevision(dir, from);
  const range = from === undefined || from === ZERO_SHA ? [to] : [`^${from}`, to];
  return parseCommits(git(dir, [...LOG, `-${limit}`, ...range, "--"]).stdout).reverse();
}
