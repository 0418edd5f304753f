// The server's other triggers and its run control: dispatch with typed inputs, pull requests
// on a merge commit, concurrency across runs, secrets from the secrets file, the bare-git hook.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { bareCopy, harnessDir, examplePayload, removeTempDirs, type ServedRepo, TestServer, TOKENS } from "../support/server-harness.js";
import { repoFactory, type TempRepo } from "./harness.js";

const newRepo = repoFactory();

const DISPATCH = `name: Release
on:
  workflow_dispatch:
    inputs:
      level: {type: choice, options: [patch, minor, major], required: true}
      dry: {type: boolean, default: true}
      count: {type: number}
      note: {type: string}
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: echo "level=\${{ inputs.level }} dry=\${{ inputs.dry }} count=\${{ github.event.inputs.count }}"
      - run: echo "token is $TOKEN"
        env:
          TOKEN: \${{ secrets.DEPLOY_TOKEN }}
`;

const PR = `name: PR
on:
  pull_request:
concurrency:
  group: pr-\${{ github.event.pull_request.number }}
  cancel-in-progress: \${{ github.event.pull_request.head.ref == 'cancel-me' }}
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: echo "files=$(ls | sort | tr '\\n' ' ')"
      - run: sleep \${{ github.event.pull_request.title == 'slow' && '30' || '0' }}
`;

const SECRET = "hunter2-deploy-token-value";
let work: TempRepo;
let served: ServedRepo;
let server: TestServer;

function prPayload(number: number, head: { ref: string; sha: string }, base: { ref: string; sha: string }, title: string): Record<string, unknown> {
  const payload = examplePayload("pull_request", (p) => p["action"] === "opened");
  const pr = payload["pull_request"] as Record<string, unknown>;
  return {
    ...payload,
    action: "synchronize",
    number,
    pull_request: { ...pr, number, title, head: { ...(pr["head"] as object), ...head }, base: { ...(pr["base"] as object), ...base } },
    repository: { ...(payload["repository"] as object), full_name: served.name, default_branch: "main" },
  };
}

before(async () => {
  work = newRepo({ ".github/workflows/release.yml": DISPATCH, ".github/workflows/pr.yml": PR, "base.txt": "base\n" });
  const secretsFile = join(harnessDir("tierci-secrets-"), "app.secrets");
  writeFileSync(secretsFile, `# deploy\nDEPLOY_TOKEN=${SECRET}\n`);
  served = { name: "acme/app", url: bareCopy(work.dir), secret: "hook-secret-2", secretsFile };
  server = await TestServer.start([served]);
});

after(async () => {
  await server.stop();
  removeTempDirs();
});

test("dispatch: inputs are checked against the workflow's typed inputs, every bad one named, and a good dispatch runs with them", async () => {
  const bad = await server.request("POST", "/api/repos/acme/app/dispatches", {
    token: TOKENS.trigger,
    body: { workflow: "release.yml", ref: "main", inputs: { level: "huge", dry: "maybe", count: "x", extra: "1" } },
  });
  assert.equal(bad.status, 422, bad.text);
  const errors = (bad.body as { errors: string[] }).errors.join("\n");
  for (const name of ["level", "dry", "count", "extra"]) assert.match(errors, new RegExp(`'${name}'`));
  const missing = await server.request("POST", "/api/repos/acme/app/dispatches", { token: TOKENS.trigger, body: { workflow: "release.yml" } });
  assert.equal(missing.status, 422);
  assert.match((missing.body as { errors: string[] }).errors.join(), /'level' is required/);
  const noTrigger = await server.request("POST", "/api/repos/acme/app/dispatches", { token: TOKENS.trigger, body: { workflow: "pr.yml" } });
  assert.equal(noTrigger.status, 422);
  const traversal = await server.request("POST", "/api/repos/acme/app/dispatches", { token: TOKENS.trigger, body: { workflow: "../../etc/passwd.yml" } });
  assert.equal(traversal.status, 400);

  const good = await server.request("POST", "/api/repos/acme/app/dispatches", {
    token: TOKENS.trigger,
    body: { workflow: "release.yml", ref: "main", inputs: { level: "minor", count: 3 } },
  });
  assert.equal(good.status, 201, good.text);
  const id = (good.body as { run_id: string }).run_id;
  const run = await server.completed(id);
  assert.equal(run["conclusion"], "success", JSON.stringify(run));
  assert.equal(run["event"], "workflow_dispatch");
  const job = (run["jobs"] as { id: number }[])[0];
  const logs = await server.request("GET", `/api/runs/${id}/jobs/${job?.id}/logs`, { token: TOKENS.reader });
  assert.match(logs.text, /level=minor dry=true count=3/);
  // The secret came from the secrets file and reached the step, and no response shows it.
  assert.match(logs.text, /token is \*\*\*/);
  assert.doesNotMatch(logs.text + JSON.stringify(run), new RegExp(SECRET));
  const stream = await server.request("GET", `/api/runs/${id}/jobs/${job?.id}/logs/stream`, { token: TOKENS.reader });
  assert.doesNotMatch(stream.text, new RegExp(SECRET));
  const db = readFileSync(join(server.dataDir, "server.db")).toString("latin1") + readFileSync(join(server.dataDir, "runs.db")).toString("latin1");
  assert.doesNotMatch(db, new RegExp(SECRET));
});

test("a pull request runs on a merge commit of its head into its base", async () => {
  const base = work.git("rev-parse", "main");
  work.git("checkout", "-q", "-b", "feature");
  work.write({ "feature.txt": "feature\n" });
  const head = work.commit("feature");
  work.git("checkout", "-q", "main");
  work.write({ "main-only.txt": "main\n" });
  const mainTip = work.commit("main moves on");
  work.git("push", "-q", "--force", served.url, "main", "feature");
  const res = await server.deliver(served, "pull_request", prPayload(7, { ref: "feature", sha: head }, { ref: "main", sha: mainTip }, "merge"));
  assert.equal(res.status, 202, res.text);
  const id = (res.body as { run_ids: string[] }).run_ids[0] as string;
  const run = await server.completed(id);
  assert.equal(run["conclusion"], "success", JSON.stringify(run));
  assert.equal(run["ref"], "refs/pull/7/merge");
  assert.notEqual(run["sha"], head);
  assert.notEqual(run["sha"], base);
  const job = (run["jobs"] as { id: number }[])[0];
  const logs = await server.request("GET", `/api/runs/${id}/jobs/${job?.id}/logs`, { token: TOKENS.reader });
  assert.match(logs.text, /files=.*feature\.txt.*main-only\.txt/);
});

test("concurrency across runs: a newer push to the PR cancels the running one with cancel-in-progress; without, it waits behind it, and a newer one still replaces the waiting one", async () => {
  const mainTip = work.git("rev-parse", "main");
  for (const branch of ["cancel-me", "queue-me"]) {
    work.git("checkout", "-q", "-B", branch, "main");
    work.write({ [`${branch}.txt`]: "1\n" });
    const first = work.commit(`${branch} 1`);
    work.write({ [`${branch}.txt`]: "2\n" });
    const second = work.commit(`${branch} 2`);
    work.git("push", "-q", "--force", served.url, `${first}:refs/heads/${branch}`);
    const number = branch === "cancel-me" ? 11 : 12;
    const one = await server.deliver(served, "pull_request", prPayload(number, { ref: branch, sha: first }, { ref: "main", sha: mainTip }, "slow"));
    const oneId = (one.body as { run_ids: string[] }).run_ids[0] as string;
    await server.waitForRun(oneId, (r) => (r["jobs"] as { status: string }[] | undefined)?.some((j) => j.status === "in_progress") === true);
    work.git("push", "-q", "--force", served.url, `${second}:refs/heads/${branch}`);
    const two = await server.deliver(served, "pull_request", prPayload(number, { ref: branch, sha: second }, { ref: "main", sha: mainTip }, "quick"));
    const twoId = (two.body as { run_ids: string[] }).run_ids[0] as string;
    if (branch === "cancel-me") {
      const cancelled = await server.completed(oneId);
      assert.equal(cancelled["conclusion"], "cancelled", JSON.stringify(cancelled));
      assert.equal((await server.completed(twoId))["conclusion"], "success");
    } else {
      // The second waits for the first; a third replaces the waiting second, as on GitHub. Cancel
      // the slow first by hand, then the third runs. Starting the second (fetch, checkout) takes
      // as long as the machine is busy, so it is waited for; the pause then lets it reach the group.
      await server.waitForRun(twoId, (r) => r["status"] === "in_progress");
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal((await server.run(twoId))["status"], "in_progress");
      assert.equal((await server.run(oneId))["status"], "in_progress");
      const three = await server.deliver(served, "pull_request", prPayload(number, { ref: branch, sha: second }, { ref: "main", sha: mainTip }, "quick"));
      const threeId = (three.body as { run_ids: string[] }).run_ids[0] as string;
      const replaced = await server.completed(twoId);
      assert.equal(replaced["conclusion"], "cancelled", JSON.stringify(replaced));
      assert.equal((await server.run(oneId))["status"], "in_progress");
      assert.equal((await server.request("POST", `/api/runs/${oneId}/cancel`, { token: TOKENS.trigger })).status, 202);
      assert.equal((await server.completed(oneId))["conclusion"], "cancelled");
      assert.equal((await server.completed(threeId))["conclusion"], "success");
    }
  }
  work.git("checkout", "-q", "main");
});

test("tierci notify, as a bare repository's post-receive hook, sends each push as a signed delivery", async () => {
  const hook = join(served.url, "hooks", "post-receive");
  writeFileSync(
    hook,
    `#!/bin/sh\nexec "${process.execPath}" "${resolve("bin", "tierci.js")}" notify --server ${server.url} --repo acme/app --secret-env HOOK_SECRET\n`,
    { mode: 0o755 },
  );
  work.write({ "notify.txt": "n\n" });
  work.commit("for the hook");
  const pushed = spawnSync("git", ["push", served.url, "main"], { cwd: work.dir, encoding: "utf8", env: { ...process.env, HOOK_SECRET: served.secret } });
  assert.equal(pushed.status, 0, pushed.stderr);
  const id = /queued run (\S+)/.exec(pushed.stderr)?.[1];
  assert.ok(id, pushed.stderr);
  const run = await server.completed(id);
  assert.equal(run["event"], "push");
  assert.equal(run["sha"], work.git("rev-parse", "HEAD"));
  const wrong = spawnSync("git", ["push", "--force", served.url, "HEAD~1:main"], {
    cwd: work.dir,
    encoding: "utf8",
    env: { ...process.env, HOOK_SECRET: "wrong" },
  });
  assert.match(wrong.stderr, /answered 401/);
});
