import { test } from "node:test";
import { execFileSync } from "node:child_process";
import assert from "node:assert/strict";
import { mkdirSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import {
  GitError,
  ZERO_SHA,
  branchCommit,
  branchState,
  changedFilesBetween,
  commitInfo,
  commitsBetween,
  currentBranch,
  defaultBranchCommit,
  headSha,
  mergeBase,
  refExists,
  remoteUrl,
  repoRoot,
  repositorySlug,
  resolveCommit,
  tagsAt,
  workingTreeChanges,
} from "./git.js";
import { makeFeatureRepo, makeRepo, tempDir } from "../../test/support/git-repo.js";

test("root, branch, HEAD and refs of a feature branch", (t) => {
  const repo = makeFeatureRepo();
  t.after(() => repo.remove());
  mkdirSync(join(repo.dir, "src", "deep"), { recursive: true });
  assert.equal(repoRoot(join(repo.dir, "src", "deep")), repo.dir);
  assert.equal(currentBranch(repo.dir), "feature/x");
  assert.equal(headSha(repo.dir), repo.git("rev-parse", "HEAD"));
  assert.equal(defaultBranchCommit(repo.dir).branch, "main");
  assert.equal(branchCommit(repo.dir, "main"), repo.mainSha);
  assert.equal(branchCommit(repo.dir, "nope"), undefined);
  assert.equal(mergeBase(repo.dir, "main", "HEAD"), repo.mainSha);
  assert.ok(refExists(repo.dir, "main"));
  assert.ok(refExists(repo.dir, "HEAD~1"));
  assert.ok(!refExists(repo.dir, "no-such-branch"));
  assert.equal(resolveCommit(repo.dir, "HEAD~1"), repo.mainSha);
  assert.throws(
    () => resolveCommit(repo.dir, "--all"),
    (err: unknown) => err instanceof GitError && err.kind === "bad-revision",
  );
});

test("detached HEAD has no current branch", (t) => {
  const repo = makeFeatureRepo();
  t.after(() => repo.remove());
  repo.git("checkout", "-q", "--detach", "main");
  assert.equal(currentBranch(repo.dir), undefined);
  assert.equal(headSha(repo.dir), repo.mainSha);
  repo.git("tag", "v1.0.0");
  repo.git("tag", "v1.10.0");
  assert.deepEqual(tagsAt(repo.dir, "HEAD"), ["v1.10.0", "v1.0.0"]);
});

test("changed files between commits, renames as delete plus add", (t) => {
  const repo = makeFeatureRepo();
  t.after(() => repo.remove());
  const feature = repo.git("rev-parse", "HEAD");
  assert.deepEqual(changedFilesBetween(repo.dir, repo.mainSha, feature), ["src/a.ts"]);
  assert.deepEqual(changedFilesBetween(repo.dir, undefined, repo.mainSha), [".gitignore", "README.md", "src/a.ts", "src/b.ts"]);
  assert.deepEqual(changedFilesBetween(repo.dir, ZERO_SHA, "HEAD"), [".gitignore", "README.md", "src/a.ts", "src/b.ts"]);
  mkdirSync(join(repo.dir, "lib"));
  repo.git("mv", "src/b.ts", "lib/b.ts");
  const renamed = repo.commit("move b");
  assert.deepEqual(changedFilesBetween(join(repo.dir, "src"), feature, renamed), ["README.md", "lib/b.ts", "notes.txt", "src/b.ts", "src/staged.ts"]);
});

test("working tree changes include staged, unstaged and untracked files but not ignored ones", (t) => {
  const repo = makeFeatureRepo();
  t.after(() => repo.remove());
  const expected = ["README.md", "notes.txt", "src/a.ts", "src/staged.ts"];
  assert.deepEqual(workingTreeChanges(repo.dir, repo.mainSha), expected);
  // Paths stay relative to the root when asked from a subdirectory.
  assert.deepEqual(workingTreeChanges(join(repo.dir, "src"), repo.mainSha), expected);
  assert.deepEqual(workingTreeChanges(repo.dir, "HEAD"), ["README.md", "notes.txt", "src/staged.ts"]);
  rmSync(join(repo.dir, "src", "b.ts"));
  assert.ok(workingTreeChanges(repo.dir, "HEAD").includes("src/b.ts"), "a deleted file is a change");
  assert.deepEqual(workingTreeChanges(repo.dir, undefined), [".gitignore", "README.md", "notes.txt", "src/a.ts", "src/b.ts", "src/staged.ts"]);
});

test("default branch: origin/HEAD, then main, then master, then the current branch", (t) => {
  const a = makeRepo("master");
  const b = makeRepo("dev");
  const c = makeFeatureRepo();
  t.after(() => [a, b, c].forEach((r) => r.remove()));
  a.commit("one");
  assert.deepEqual(defaultBranchCommit(a.dir), { branch: "master", sha: a.git("rev-parse", "HEAD") });
  b.commit("one");
  assert.deepEqual(defaultBranchCommit(b.dir), { branch: "dev", sha: b.git("rev-parse", "HEAD") });
  c.git("update-ref", "refs/remotes/origin/trunk", c.mainSha);
  c.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk");
  assert.deepEqual(defaultBranchCommit(c.dir), { branch: "trunk", sha: c.mainSha });
  assert.equal(branchCommit(c.dir, "trunk"), c.mainSha, "a branch only on origin still resolves");
});

/** What branchState answers in one or two calls is what the questions asked one by one answer. */
function sameAsOneByOne(dir: string): void {
  const def = defaultBranchCommit(dir);
  const { headParents, ...state } = branchState(dir);
  assert.deepEqual(state, { head: headSha(dir), branch: currentBranch(dir), defaultBranch: def.branch, defaultSha: def.sha });
  // Only a HEAD on a branch with commits is marked in the listing, and only then are its parents known.
  if (state.branch === undefined || state.head === ZERO_SHA) return assert.equal(headParents, undefined);
  const parents = execFileSync("git", ["rev-list", "--no-walk", "--parents", "HEAD"], { cwd: dir, encoding: "utf8" }).trim().split(" ").slice(1);
  assert.deepEqual(headParents, parents);
}

test("branchState agrees with the one-by-one answers: slashes, detached, unborn, packed refs, origin/HEAD, master only", (t) => {
  const feature = makeFeatureRepo();
  const master = makeRepo("master");
  const unborn = makeRepo("topic/new");
  t.after(() => [feature, master, unborn].forEach((r) => r.remove()));
  sameAsOneByOne(feature.dir);
  feature.git("pack-refs", "--all");
  sameAsOneByOne(feature.dir);
  feature.git("update-ref", "refs/remotes/origin/trunk", feature.mainSha);
  feature.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk");
  sameAsOneByOne(feature.dir);
  assert.equal(branchState(feature.dir).defaultBranch, "trunk");
  feature.git("checkout", "-q", "--detach", "main");
  sameAsOneByOne(feature.dir);
  assert.equal(branchState(feature.dir).branch, undefined);
  master.commit("one");
  sameAsOneByOne(master.dir);
  sameAsOneByOne(unborn.dir);
  assert.deepEqual(branchState(unborn.dir), { head: ZERO_SHA, branch: "topic/new", defaultBranch: "topic/new", defaultSha: undefined });
  feature.git("checkout", "-q", "-b", "side", "main");
  feature.git("commit", "-q", "--allow-empty", "-m", "side");
  feature.git("checkout", "-q", "feature/x");
  feature.git("merge", "-q", "--no-ff", "-m", "merge side", "side");
  sameAsOneByOne(feature.dir);
  assert.equal(branchState(feature.dir).headParents?.length, 2);
});

test("remoteUrl answers as `git remote get-url` of origin, else of the first remote", (t) => {
  const repo = makeRepo();
  t.after(() => repo.remove());
  const getUrl = (name: string): string => execFileSync("git", ["remote", "get-url", name], { cwd: repo.dir, encoding: "utf8" }).trim();
  repo.git("config", "url.https://github.com/.insteadOf", "gh:");
  repo.git("remote", "add", "zed", "https://example.com/z.git");
  repo.git("remote", "add", "alias", "gh:acme/aliased");
  assert.equal(remoteUrl(repo.dir), getUrl("alias"));
  assert.equal(remoteUrl(repo.dir), "https://github.com/acme/aliased");
  repo.git("remote", "add", "origin", "git@github.com:acme/widgets.git");
  repo.git("remote", "set-url", "--add", "--push", "origin", "https://push.example/p.git");
  repo.git("remote", "set-url", "--add", "origin", "https://second.example/w.git");
  assert.equal(remoteUrl(repo.dir), getUrl("origin"));
});

test("repository slug from the remote, else local/<dir>", (t) => {
  const repo = makeRepo();
  t.after(() => repo.remove());
  assert.equal(remoteUrl(repo.dir), undefined);
  assert.deepEqual(repositorySlug(repo.dir), { owner: "local", name: basename(repo.dir) });
  repo.git("remote", "add", "upstream", "https://github.com/other/fork.git");
  assert.deepEqual(repositorySlug(repo.dir), { owner: "other", name: "fork" });
  repo.git("remote", "add", "origin", "git@github.com:acme/widgets.git");
  assert.equal(remoteUrl(repo.dir), "git@github.com:acme/widgets.git");
  assert.deepEqual(repositorySlug(repo.dir), { owner: "acme", name: "widgets" });
  repo.git("remote", "set-url", "origin", "/srv/git/widgets.git");
  assert.deepEqual(repositorySlug(repo.dir), { owner: "local", name: basename(repo.dir) });
});

test("commit details and commit ranges", (t) => {
  const repo = makeFeatureRepo();
  t.after(() => repo.remove());
  const main = commitInfo(repo.dir, "main");
  assert.ok(main);
  assert.equal(main.sha, repo.mainSha);
  assert.equal(main.message, "add b\n\nSecond line of the body.");
  assert.deepEqual([main.author.name, main.author.email], ["Mona Octocat", "mona@example.com"]);
  assert.match(main.committer.date, /^\d{4}-\d\d-\d\dT/);
  assert.match(main.treeSha, /^[0-9a-f]{40}$/);
  assert.equal(commitInfo(repo.dir)?.message, "change a");
  assert.deepEqual(
    commitsBetween(repo.dir, undefined, "HEAD", 10).map((c) => c.message.split("\n")[0]),
    ["initial", "add b", "change a"],
  );
  assert.deepEqual(
    commitsBetween(repo.dir, repo.mainSha, "HEAD", 10).map((c) => c.message),
    ["change a"],
  );
  assert.deepEqual(
    commitsBetween(repo.dir, undefined, "HEAD", 2).map((c) => c.message),
    ["add b\n\nSecond line of the body.", "change a"],
  );
});

test("a repository without commits has an unborn HEAD", (t) => {
  const repo = makeRepo();
  t.after(() => repo.remove());
  repo.write("a.txt");
  repo.write("ignored.log");
  repo.write(".gitignore", "*.log\n");
  assert.equal(headSha(repo.dir), ZERO_SHA);
  assert.equal(currentBranch(repo.dir), "main");
  assert.equal(defaultBranchCommit(repo.dir).branch, "main");
  assert.equal(commitInfo(repo.dir), undefined);
  assert.deepEqual(workingTreeChanges(repo.dir, undefined), [".gitignore", "a.txt"]);
});

test("a directory that is not a repository gives a GitError telling what to do", (t) => {
  const dir = tempDir("tierci-nogit-");
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const call of [() => repoRoot(dir), () => headSha(dir), () => currentBranch(dir), () => workingTreeChanges(dir, undefined)]) {
    assert.throws(call, (err: unknown) => {
      assert.ok(err instanceof GitError);
      assert.equal(err.kind, "not-a-repository");
      assert.match(err.message, /is not inside a git repository.*--repo DIR.*git init/);
      return true;
    });
  }
  assert.throws(
    () => repoRoot(join(dir, "missing")),
    (err: unknown) => err instanceof GitError && err.kind === "no-directory",
  );
});

test("repoRoot keeps a found top, but neither a failure nor the top of a directory removed since", (t) => {
  const dir = tempDir("tierci-root-");
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.throws(
    () => repoRoot(dir),
    (err: unknown) => err instanceof GitError && err.kind === "not-a-repository",
  );
  execFileSync("git", ["init", "-q", dir]);
  assert.equal(repoRoot(dir), dir);
  const sub = join(dir, "sub");
  mkdirSync(sub);
  assert.equal(repoRoot(sub), dir);
  assert.equal(repoRoot(sub), dir);
  rmSync(sub, { recursive: true });
  assert.throws(
    () => repoRoot(sub),
    (err: unknown) => err instanceof GitError && err.kind === "no-directory",
  );
});
