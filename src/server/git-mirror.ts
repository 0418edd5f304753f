// The server's copy of each repository: a bare mirror fetched from the configured URL (never
// from a URL in a payload), the merge commits pull requests run on, and a checkout of the
// exact commit for each run. Git runs in worker threads (git-process.ts), with a time limit, so
// that neither a slow fetch nor starting git holds up the server's other work.
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { runGit } from "./git-process.js";

export class MirrorError extends Error {
  override readonly name = "MirrorError";
}

/** Pull request head and base that git cannot merge without conflicts. */
export class MergeConflict extends MirrorError {
  constructor(
    readonly files: string[],
    base: string,
    head: string,
  ) {
    super(
      `the pull request's head ${head.slice(0, 12)} does not merge cleanly into its base ${base.slice(0, 12)}: conflicts in ${files.join(", ") || "the merge"}; merge the base branch into the pull request and push again`,
    );
  }
}

const FETCH_TIMEOUT_MS = 10 * 60_000;

async function git(args: readonly string[], opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const r = await runGit(args, opts);
  if (r.code !== 0)
    throw new MirrorError(
      `git ${args
        .filter((a) => !a.startsWith("-c"))
        .slice(0, 3)
        .join(" ")} failed: ${r.stderr.trim() || `exit status ${r.code}`}`,
    );
  return r.stdout;
}

const SHA = /^[0-9a-f]{40}$/;
const DEFAULT_BRANCH_TTL_MS = 60_000;

export class GitMirror {
  /** `git fetch` of one mirror at a time: two fetches into one repository would fight over its lock files. */
  private busy: Promise<unknown> = Promise.resolve();
  private head: { branch: string; at: number } | undefined;

  constructor(
    readonly dir: string,
    readonly url: string,
  ) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.busy.then(fn, fn);
    this.busy = next.catch(() => undefined);
    return next;
  }

  private async ensure(): Promise<void> {
    if (existsSync(join(this.dir, "HEAD"))) return;
    mkdirSync(dirname(this.dir), { recursive: true });
    await git(["init", "--bare", "--quiet", this.dir]);
  }

  /** Every branch, tag and pull request head of the configured URL. */
  fetch(): Promise<void> {
    return this.serial(async () => {
      await this.ensure();
      await git(["fetch", "--quiet", "--prune", "--force", "--no-tags", this.url, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"], {
        cwd: this.dir,
        timeoutMs: FETCH_TIMEOUT_MS,
      });
      // Forges publish pull request heads there; a plain git server has none, which is fine.
      await runGit(["fetch", "--quiet", "--force", this.url, "+refs/pull/*/head:refs/pull/*/head"], { cwd: this.dir, timeoutMs: FETCH_TIMEOUT_MS });
    });
  }

  async hasCommit(sha: string): Promise<boolean> {
    if (!SHA.test(sha) || !existsSync(join(this.dir, "HEAD"))) return false;
    return (await runGit(["cat-file", "-e", `${sha}^{commit}`], { cwd: this.dir })).code === 0;
  }

  /** Makes sure the commit is here: fetches everything, then asks for the commit itself. */
  async ensureCommit(sha: string): Promise<void> {
    if (!SHA.test(sha)) throw new MirrorError(`'${sha}' is not a commit sha`);
    if (await this.hasCommit(sha)) return;
    await this.fetch();
    if (await this.hasCommit(sha)) return;
    await this.serial(() => runGit(["fetch", "--quiet", this.url, sha], { cwd: this.dir, timeoutMs: FETCH_TIMEOUT_MS }));
    if (!(await this.hasCommit(sha))) throw new MirrorError(`commit ${sha.slice(0, 12)} is not in ${this.url}; was it force-pushed away?`);
  }

  async resolve(ref: string): Promise<string | undefined> {
    if (ref.startsWith("-")) return undefined;
    const r = await runGit(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { cwd: this.dir });
    return r.code === 0 ? r.stdout.trim() : undefined;
  }

  /**
   * The default branch of the configured repository, as its HEAD says; asked again after a
   * minute at most, so a burst of deliveries does not ask the forge once each.
   */
  async defaultBranch(): Promise<string> {
    if (this.head && Date.now() - this.head.at < DEFAULT_BRANCH_TTL_MS) return this.head.branch;
    const r = await runGit(["ls-remote", "--symref", this.url, "HEAD"], { timeoutMs: FETCH_TIMEOUT_MS });
    const branch = /^ref: refs\/heads\/(\S+)\s+HEAD/m.exec(r.stdout)?.[1] ?? "main";
    if (r.code === 0) this.head = { branch, at: Date.now() };
    return branch;
  }

  /** A merge commit of head into base, as GitHub makes for refs/pull/N/merge; a conflict is a MergeConflict. */
  async mergeCommit(base: string, head: string, message: string): Promise<string> {
    const merged = await runGit(["merge-tree", "--write-tree", "--name-only", "--no-messages", base, head], { cwd: this.dir });
    if (merged.code === 1) throw new MergeConflict(merged.stdout.split("\n").slice(1).filter(Boolean), base, head);
    if (merged.code !== 0) throw new MirrorError(`git merge-tree failed: ${merged.stderr.trim()}`);
    const tree = merged.stdout.split("\n")[0]?.trim() ?? "";
    const identity = { GIT_AUTHOR_NAME: "tierci", GIT_AUTHOR_EMAIL: "tierci@localhost", GIT_COMMITTER_NAME: "tierci", GIT_COMMITTER_EMAIL: "tierci@localhost" };
    return (await git(["commit-tree", tree, "-p", base, "-p", head, "-m", message], { cwd: this.dir, env: identity })).trim();
  }

  /** A working copy of `sha` in `target`, its objects shared with the mirror, its branches and tags as origin's. */
  async checkout(sha: string, target: string): Promise<void> {
    mkdirSync(dirname(target), { recursive: true });
    await git(["clone", "--quiet", "--shared", "--no-checkout", this.dir, target], { timeoutMs: FETCH_TIMEOUT_MS });
    await git(["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", sha], { cwd: target, timeoutMs: FETCH_TIMEOUT_MS });
  }

  /** A file's text at `sha`; undefined where there is no such file. */
  async readFile(sha: string, path: string): Promise<string | undefined> {
    const r = await runGit(["show", `${sha}:${path}`], { cwd: this.dir });
    return r.code === 0 ? r.stdout : undefined;
  }
}
