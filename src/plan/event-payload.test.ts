import { test } from "node:test";
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { GitError, ZERO_SHA } from "../git/git.js";
import { makeFeatureRepo, makeRepo, tempDir, type TestRepo } from "../../test/support/git-repo.js";
import { EventPayloadError, readEventFile } from "./event-file.js";
import { synthesizeEvent } from "./event-payload.js";
import { workflowFires } from "./event-filter.js";

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  assert.ok(typeof value === "object" && value !== null && !Array.isArray(value), `not an object: ${JSON.stringify(value)}`);
  return value as Json;
}

let eventFiles = 0;

// Inside .git, so that the file is removed with the repository and is no change to the work tree.
function eventFile(repo: TestRepo, content: unknown): string {
  const path = join(repo.dir, ".git", `event-${++eventFiles}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

const WORKING_TREE = ["README.md", "notes.txt", "src/a.ts", "src/staged.ts"];

test("push from a feature branch compares the working tree with the merge base", (t) => {
  const repo = makeFeatureRepo();
  t.after(() => repo.remove());
  repo.git("remote", "add", "origin", "https://github.com/acme/widgets.git");
  const head = repo.git("rev-parse", "HEAD");
  const ev = synthesizeEvent(repo.dir, "push", { actor: "mona" });
  assert.equal(ev.ref, "refs/heads/feature/x");
  assert.equal(ev.sha, head);
  assert.deepEqual(ev.facts, { name: "push", ref: "refs/heads/feature/x", changedFiles: WORKING_TREE });
  const p = ev.payload;
  assert.equal(p.ref, "refs/heads/feature/x");
  assert.equal(p.after, head);
  assert.equal(p.before, repo.mainSha);
  assert.equal(p.created, false);
  const repository = obj(p.repository);
  assert.equal(repository.full_name, "acme/widgets");
  assert.equal(repository.name, "widgets");
  assert.deepEqual(repository.owner, { login: "acme" });
  assert.equal(repository.default_branch, "main");
  const headCommit = obj(p.head_commit);
  assert.equal(headCommit.id, head);
  assert.equal(headCommit.message, "change a");
  assert.deepEqual(headCommit.author, { name: "Mona Octocat", email: "mona@example.com" });
  assert.deepEqual(
    (p.commits as Json[]).map((c) => c.message),
    ["change a"],
  );
  assert.deepEqual(p.pusher, { name: "mona", email: "mona@example.com" });
  assert.equal(obj(p.sender).login, "mona");
  assert.deepEqual(ev.notes, []);
});

test("push on the default branch compares with HEAD~1 plus uncommitted files", (t) => {
  const repo = makeFeatureRepo();
  t.after(() => repo.remove());
  repo.git("stash", "-q", "--include-untracked");
  repo.git("checkout", "-q", "main");
  repo.git("stash", "pop", "-q");
  const ev = synthesizeEvent(repo.dir, "push");
  assert.equal(ev.ref, "refs/heads/main");
  assert.equal(ev.payload.before, repo.git("rev-parse", "main~1"));
  assert.deepEqual(ev.facts.changedFiles, ["README.md", "notes.txt", "src/b.ts", "src/staged.ts"]);
  assert.equal(repositoryName(ev.payload), `local/${basename(repo.dir)}`);
});

function repositoryName(payload: Json): unknown {
  return obj(payload.repository).full_name;
}

test("push of a root commit on main, and of an unborn repository, counts every file", (t) => {
  const repo = makeRepo();
  t.after(() => repo.remove());
  repo.write("a.txt");
  repo.write(".gitignore", "*.log\n");
  repo.write("x.log");
  const unborn = synthesizeEvent(repo.dir, "push");
  assert.equal(unborn.sha, ZERO_SHA);
  assert.equal(unborn.ref, "refs/heads/main");
  assert.equal(unborn.payload.before, ZERO_SHA);
  assert.equal(unborn.payload.head_commit, null);
  assert.deepEqual(unborn.facts.changedFiles, [".gitignore", "a.txt"]);
  assert.match(unborn.notes.join("\n"), /no commits yet/);
  repo.commit("root");
  const root = synthesizeEvent(repo.dir, "push");
  assert.equal(root.payload.before, ZERO_SHA);
  assert.equal(root.payload.created, true);
  assert.deepEqual(root.facts.changedFiles, [".gitignore", "a.txt"]);
});

test("a detached HEAD at a tag pushes the tag", (t) => {
  const repo = makeFeatureRepo();
  t.after(() => repo.remove());
  repo.git("tag", "v1.0.0", "main");
  repo.git("checkout", "-q", "--detach", "v1.0.0");
  const ev = synthesizeEvent(repo.dir, "push");
  assert.equal(ev.ref, "refs/tags/v1.0.0");
  assert.match(ev.notes.join("\n"), /detached at tag v1\.0\.0/);
  repo.git("checkout", "-q", "--detach", "main~1");
  assert.equal(synthesizeEvent(repo.dir, "push").ref, "refs/heads/main");
});

test("push with before/after in the event file diffs exactly those commits", (t) => {
  const repo = makeFeatureRepo();
  t.after(() => repo.remove());
  const first = repo.git("rev-parse", "main~1");
  const path = eventFile(repo, { ref: "refs/heads/main", before: first, after: "main" });
  const ev = synthesizeEvent(repo.dir, "push", { eventPath: path });
  assert.equal(ev.ref, "refs/heads/main");
  assert.equal(ev.sha, repo.mainSha);
  assert.equal(ev.payload.after, "main", "the file's own text stays in the payload");
  assert.deepEqual(ev.facts.changedFiles, ["src/b.ts"]);
  const tag = synthesizeEvent(repo.dir, "push", { eventPath: eventFile(repo, { ref: "refs/tags/v2" }) });
  assert.equal(tag.facts.ref, "refs/tags/v2");
  assert.throws(
    () => synthesizeEvent(repo.dir, "push", { eventPath: eventFile(repo, { after: "0123abc" }) }),
    /after '0123abc' is not a commit in this repository/,
  );
  assert.throws(
    () => synthesizeEvent(repo.dir, "pull_request", { eventPath: eventFile(repo, { pull_request: { head: { sha: ZERO_SHA } } }) }),
    /pull_request\.head\.sha must name a commit, not all zeros/,
  );
  const created = synthesizeEvent(repo.dir, "push", { eventPath: eventFile(repo, { before: ZERO_SHA, after: "HEAD" }) });
  assert.equal(created.payload.created, true);
  assert.deepEqual(created.facts.changedFiles, ["src/a.ts"]);
});

test("pull_request: base is the default branch, files from the merge base plus the working tree", (t) => {
  const repo = makeFeatureRepo();
  t.after(() => repo.remove());
  const head = repo.git("rev-parse", "HEAD");
  const ev = synthesizeEvent(repo.dir, "pull_request", { actor: "mona" });
  assert.equal(ev.ref, "refs/pull/1/merge");
  assert.equal(ev.sha, head);
  assert.deepEqual(ev.facts, {
    name: "pull_request",
    ref: "refs/pull/1/merge",
    baseRef: "main",
    action: "opened",
    changedFiles: WORKING_TREE,
  });
  const pr = obj(ev.payload.pull_request);
  assert.equal(ev.payload.action, "opened");
  assert.equal(ev.payload.number, 1);
  assert.equal(pr.number, 1);
  assert.equal(pr.title, "change a");
  assert.equal(pr.changed_files, 4);
  assert.deepEqual([obj(pr.head).ref, obj(pr.head).sha], ["feature/x", head]);
  assert.deepEqual([obj(pr.base).ref, obj(pr.base).sha], ["main", repo.mainSha]);
  assert.match(ev.notes.join("\n"), /merge commit/);
});

test("pull_request fields from the event file: number, action, base branch", (t) => {
  const repo = makeFeatureRepo();
  t.after(() => repo.remove());
  repo.git("branch", "release", "main~1");
  const path = eventFile(repo, { action: "synchronize", pull_request: { number: 42, base: { ref: "release" }, labels: [{ name: "ci" }] } });
  const ev = synthesizeEvent(repo.dir, "pull_request", { eventPath: path });
  assert.equal(ev.ref, "refs/pull/42/merge");
  assert.equal(ev.facts.baseRef, "release");
  assert.equal(ev.facts.action, "synchronize");
  assert.deepEqual(ev.facts.changedFiles, ["README.md", "notes.txt", "src/a.ts", "src/b.ts", "src/staged.ts"]);
  const pr = obj(ev.payload.pull_request);
  assert.equal(obj(pr.base).sha, repo.git("rev-parse", "release"));
  assert.deepEqual(pr.labels, [{ name: "ci" }]);
  assert.equal(pr.state, "open", "synthesized fields the file does not set remain");
});

test("pull_request_target runs on the base branch", (t) => {
  const repo = makeFeatureRepo();
  t.after(() => repo.remove());
  const ev = synthesizeEvent(repo.dir, "pull_request_target");
  assert.equal(ev.ref, "refs/heads/main");
  assert.equal(ev.sha, repo.mainSha);
  assert.equal(ev.facts.baseRef, "main");
});

test("merge_group describes the queue branch", (t) => {
  const repo = makeFeatureRepo();
  t.after(() => repo.remove());
  const ev = synthesizeEvent(repo.dir, "merge_group");
  const mg = obj(ev.payload.merge_group);
  assert.equal(ev.payload.action, "checks_requested");
  assert.equal(mg.base_ref, "refs/heads/main");
  assert.equal(mg.base_sha, repo.mainSha);
  assert.equal(mg.head_sha, repo.git("rev-parse", "HEAD"));
  assert.equal(mg.head_ref, `refs/heads/gh-readonly-queue/main/pr-1-${repo.mainSha}`);
  assert.equal(ev.ref, mg.head_ref);
  assert.deepEqual(ev.facts.changedFiles, WORKING_TREE);
  assert.equal(ev.facts.action, "checks_requested");
});

test("workflow_dispatch carries inputs; command-line inputs win over the file's", (t) => {
  const repo = makeFeatureRepo();
  t.after(() => repo.remove());
  const path = eventFile(repo, { inputs: { level: "low", dry: "true" } });
  const ev = synthesizeEvent(repo.dir, "workflow_dispatch", { eventPath: path, inputs: { level: "high" } });
  assert.deepEqual(ev.payload.inputs, { level: "high", dry: "true" });
  assert.equal(ev.payload.ref, "refs/heads/feature/x");
  assert.deepEqual(ev.facts, { name: "workflow_dispatch", ref: "refs/heads/feature/x" });
});

test("schedule and other events run on the default branch", (t) => {
  const repo = makeFeatureRepo();
  t.after(() => repo.remove());
  const ev = synthesizeEvent(repo.dir, "schedule", { cron: "0 3 * * *" });
  assert.equal(ev.ref, "refs/heads/main");
  assert.equal(ev.sha, repo.git("rev-parse", "HEAD"));
  assert.equal(ev.payload.schedule, "0 3 * * *");
  assert.match(ev.notes.join("\n"), /GitHub runs schedule on main; locally the checked-out feature\/x runs/);
  const release = synthesizeEvent(repo.dir, "release", { eventPath: eventFile(repo, { action: "published", release: { tag_name: "v1" } }) });
  assert.deepEqual(release.facts, { name: "release", ref: "refs/heads/main", action: "published" });
  assert.equal(obj(release.payload.release).tag_name, "v1");
});

test("synthesized facts drive the trigger filters end to end", (t) => {
  const repo = makeFeatureRepo();
  t.after(() => repo.remove());
  const pos = { file: "ci.yml", line: 1, col: 1 };
  const ev = synthesizeEvent(repo.dir, "pull_request");
  assert.equal(workflowFires([{ event: "pull_request", filters: { branches: ["main"], paths: ["src/**"] }, pos }], ev.facts).fired, true);
  assert.equal(workflowFires([{ event: "pull_request", filters: { paths: ["*.log"] }, pos }], ev.facts).fired, false);
});

test("event file errors name the file", (t) => {
  const dir = tempDir("tierci-event-");
  const repo = makeRepo();
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
    repo.remove();
  });
  const missing = join(dir, "missing.json");
  assert.throws(
    () => readEventFile(missing),
    (err: unknown) => {
      assert.ok(err instanceof EventPayloadError);
      assert.equal(err.message, `event file ${missing} does not exist`);
      assert.equal(err.path, missing);
      return true;
    },
  );
  const broken = join(dir, "broken.json");
  writeFileSync(broken, "{ not json");
  assert.throws(() => synthesizeEvent(repo.dir, "push", { eventPath: broken }), new RegExp(`event file ${broken} is not valid JSON`));
  const list = join(dir, "list.json");
  writeFileSync(list, "[1, 2]");
  assert.throws(() => readEventFile(list), /must hold a JSON object/);
  const wrongType = join(dir, "wrong.json");
  writeFileSync(wrongType, JSON.stringify({ ref: 7 }));
  assert.throws(() => synthesizeEvent(repo.dir, "push", { eventPath: wrongType }), /wrong\.json: ref must be a string/);
});

test("a directory outside any repository gets an event without a commit, and says so", (t) => {
  const dir = tempDir("tierci-nogit-");
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const ev = synthesizeEvent(dir, "push");
  assert.equal(ev.ref, "refs/heads/main");
  assert.equal(ev.sha, "0".repeat(40));
  assert.equal(ev.facts.changedFiles, undefined, "path filters cannot be evaluated");
  assert.match(ev.notes.join("\n"), /not a git repository/);
  const dispatch = synthesizeEvent(dir, "workflow_dispatch", { inputs: { level: "full" } });
  assert.deepEqual(dispatch.payload["inputs"], { level: "full" });
});

test("a missing directory is still a GitError", () => {
  assert.throws(() => synthesizeEvent("/nonexistent/tierci-dir", "push"), GitError);
});
