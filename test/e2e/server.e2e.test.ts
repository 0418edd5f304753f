// `tierci serve` end to end: the real server on a loopback port, a bare repository as the forge,
// GitHub's documented payload shapes, signed as GitHub signs them.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ZERO_SHA } from "../../src/git/git.js";
import {
  bareCopy,
  harnessDir,
  pushPayload as pushPayloadOf,
  removeTempDirs,
  type ServedRepo,
  signature,
  TestServer,
  TOKENS,
} from "../support/server-harness.js";
import { repoFactory, type TempRepo } from "./harness.js";

const newRepo = repoFactory();

const CI = `name: CI
on: [push, pull_request]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "building \${{ github.ref }} at \${{ github.sha }}"
      - run: echo "event repo \${{ github.event.repository.full_name }}"
`;

let work: TempRepo;
let served: ServedRepo;
let server: TestServer;

function pushPayload(sha: string, ref = "refs/heads/main", beforeSha = ZERO_SHA): Record<string, unknown> {
  return pushPayloadOf(served.name, sha, ref, beforeSha);
}

function pushToForge(): string {
  work.git("push", "-q", "--force", served.url, "HEAD:refs/heads/main");
  return work.git("rev-parse", "HEAD");
}

/**
 * The status a server answers to a delivery that says it is `bytes` long, read as soon as the
 * server answers: a server that refuses it by its length answers before the body is sent, and
 * then closes the connection, which a client still sending would only see as a write error.
 */
function statusOfDeclaredUpload(url: string, bytes: number, headers: Record<string, string>): Promise<number> {
  return new Promise((done, fail) => {
    const req = httpRequest(url, { method: "POST", headers: { ...headers, "content-length": String(bytes) } }, (res) => {
      done(res.statusCode ?? 0);
      req.destroy();
    });
    req.on("error", (err) => fail(err));
    req.flushHeaders();
  });
}

before(async () => {
  work = newRepo({ ".github/workflows/ci.yml": CI, "README.md": "hello\n" });
  served = { name: "acme/app", url: bareCopy(work.dir), secret: "s3cret-hook-key" };
  server = await TestServer.start([served]);
});

after(async () => {
  await server.stop();
  removeTempDirs();
});

test("a signed push runs the pipeline to green; the API shows the run, its jobs and their logs", async () => {
  const sha = pushToForge();
  const res = await server.deliver(served, "push", pushPayload(sha));
  assert.equal(res.status, 202, res.text);
  const ids = (res.body as { run_ids: string[] }).run_ids;
  assert.equal(ids.length, 1);
  const run = await server.completed(ids[0] as string);
  assert.equal(run["conclusion"], "success", JSON.stringify(run));
  assert.equal(run["sha"], sha);
  assert.deepEqual(run["workflow_files"], [".github/workflows/ci.yml"]);
  assert.equal((run["jobs"] as { workflow: string }[])[0]?.workflow, ".github/workflows/ci.yml");
  const jobs = run["jobs"] as { id: number; name: string; conclusion: string }[];
  assert.equal(jobs.length, 1);
  assert.equal(jobs[0]?.conclusion, "success");
  const logs = await server.request("GET", `/api/runs/${ids[0]}/jobs/${jobs[0]?.id}/logs`, { token: TOKENS.reader });
  assert.equal(logs.status, 200);
  assert.match(logs.text, new RegExp(`building refs/heads/main at ${sha}`));
  assert.match(logs.text, /event repo acme\/app/);
  const stream = await server.request("GET", `/api/runs/${ids[0]}/jobs/${jobs[0]?.id}/logs/stream`, { token: TOKENS.reader });
  assert.match(stream.text, /^data: .*building refs\/heads\/main/m);
  assert.match(stream.text, /event: end\n/);

  const list = await server.request("GET", "/api/runs?repo=acme/app&status=completed", { token: TOKENS.reader });
  assert.equal(list.status, 200);
  assert.ok((list.body as { runs: { id: string }[] }).runs.some((r) => r.id === ids[0]));
});

test("a redelivery queues nothing and names the first delivery's runs", async () => {
  const sha = pushToForge();
  const first = await server.deliver(served, "push", pushPayload(sha), { delivery: "redelivered-1" });
  assert.equal(first.status, 202);
  const again = await server.deliver(served, "push", pushPayload(sha), { delivery: "redelivered-1" });
  assert.equal(again.status, 200);
  assert.deepEqual(again.body, { duplicate: true, run_ids: (first.body as { run_ids: string[] }).run_ids });
  await server.completed((first.body as { run_ids: string[] }).run_ids[0] as string);
});

test("deliveries that are unsigned, wrongly signed, malformed, too large or for another repository run nothing", async () => {
  const before = (await server.request("GET", "/api/runs?limit=500", { token: TOKENS.reader })).body as { runs: unknown[] };
  const sha = pushToForge();
  assert.equal((await server.deliver(served, "push", pushPayload(sha), { secret: null })).status, 401);
  assert.equal((await server.deliver(served, "push", pushPayload(sha), { secret: "not-the-secret" })).status, 401);
  const other = { ...pushPayload(sha), repository: { full_name: "evil/other" } };
  assert.equal((await server.deliver(served, "push", other)).status, 404);
  const malformed = await server.request("POST", "/hooks/github", {
    raw: "{not json",
    headers: { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": "m-1" },
  });
  assert.equal(malformed.status, 400);
  const huge = await statusOfDeclaredUpload(`${server.url}/hooks/github`, 26 * 1024 * 1024, {
    "content-type": "application/json",
    "x-github-event": "push",
    "x-github-delivery": "big-1",
  });
  assert.equal(huge, 413);
  const ping = await server.deliver(served, "ping", { zen: "Keep it logically awesome.", repository: { full_name: served.name } });
  assert.equal(ping.status, 200);
  assert.deepEqual((ping.body as { run_ids: unknown[] }).run_ids, []);
  const now = (await server.request("GET", "/api/runs?limit=500", { token: TOKENS.reader })).body as { runs: unknown[] };
  assert.equal(now.runs.length, before.runs.length);
});

test("the API needs a token of the right role", async () => {
  assert.equal((await server.request("GET", "/api/runs")).status, 401);
  assert.equal((await server.request("GET", "/api/runs", { token: "wrong" })).status, 401);
  assert.equal((await server.request("GET", "/metrics")).status, 401);
  const runs = (await server.request("GET", "/api/runs", { token: TOKENS.reader })).body as { runs: { id: string }[] };
  const id = runs.runs[0]?.id ?? "0";
  assert.equal((await server.request("POST", `/api/runs/${id}/rerun`, { token: TOKENS.reader, body: {} })).status, 403);
  assert.equal((await server.request("POST", "/api/repos/acme/app/dispatches", { token: TOKENS.reader, body: { workflow: "ci.yml" } })).status, 403);
  assert.equal((await server.request("GET", "/healthz")).status, 200);
  const metrics = await server.request("GET", "/metrics", { token: TOKENS.reader });
  assert.match(metrics.text, /tierci_webhook_deliveries_total\{result="queued"\} \d+/);
  assert.match(metrics.text, /tierci_runs_total\{conclusion="success"\} \d+/);
});

test("Gitea and Forgejo deliveries are checked with their own signature header", async () => {
  const sha = pushToForge();
  const raw = JSON.stringify(pushPayload(sha));
  const hex = signature(served.secret, raw).replace("sha256=", "");
  const headers = (sig: string): Record<string, string> => ({
    "content-type": "application/json",
    "x-gitea-event": "push",
    "x-gitea-delivery": `gitea-${sig.slice(0, 8)}`,
    "x-gitea-signature": sig,
  });
  const good = await server.request("POST", "/hooks/github", { raw, headers: headers(hex) });
  assert.equal(good.status, 202, good.text);
  const bad = await server.request("POST", "/hooks/github", { raw, headers: headers("0".repeat(64)) });
  assert.equal(bad.status, 401);
  await server.completed((good.body as { run_ids: string[] }).run_ids[0] as string);
});

test("a re-run of failed workflows runs only those, on the same commit; a full re-run runs them all", async () => {
  work.write({ ".github/workflows/flaky.yml": "on: push\njobs:\n  f:\n    runs-on: ubuntu-latest\n    steps:\n      - run: test -f fixed.txt\n" });
  work.commit("flaky");
  const sha = pushToForge();
  const first = ((await server.deliver(served, "push", pushPayload(sha))).body as { run_ids: string[] }).run_ids[0] as string;
  const failed = await server.completed(first);
  assert.equal(failed["conclusion"], "failure");
  const again = await server.request("POST", `/api/runs/${first}/rerun`, { token: TOKENS.trigger, body: { failed_only: true } });
  assert.equal(again.status, 201, again.text);
  const rerun = await server.completed((again.body as { run_id: string }).run_id);
  assert.equal(rerun["sha"], sha);
  assert.deepEqual(rerun["workflow_files"], [".github/workflows/flaky.yml"]);
  assert.equal(rerun["conclusion"], "failure");
  const all = await server.request("POST", `/api/runs/${first}/rerun`, { token: TOKENS.trigger, body: {} });
  const whole = await server.completed((all.body as { run_id: string }).run_id);
  assert.deepEqual([...(whole["workflow_files"] as string[])].sort(), [".github/workflows/ci.yml", ".github/workflows/flaky.yml"]);
});

test("a re-run of failed jobs keeps the jobs that succeeded, with their outputs and artifacts, and runs only the others", async () => {
  const flag = join(harnessDir("tierci-flag-"), "fixed");
  work.write({
    ".github/workflows/keep.yml": [
      "on: push",
      "jobs:",
      "  build:",
      "    runs-on: ubuntu-latest",
      "    outputs:",
      "      stamp: ${{ steps.s.outputs.stamp }}",
      "    steps:",
      '      - id: s\n        run: echo "stamp=$(date +%s%N)" >> "$GITHUB_OUTPUT" && echo "built $(date +%s%N)" > out.txt',
      "      - uses: actions/upload-artifact@v4\n        with:\n          name: built\n          path: out.txt",
      "  test:",
      "    needs: build",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - uses: actions/download-artifact@v4\n        with:\n          name: built",
      "      - run: cat out.txt",
      `      - run: echo "got=\${{ needs.build.outputs.stamp }}" && test -f ${flag}`,
      "",
    ].join("\n"),
  });
  work.commit("keep");
  const sha = pushToForge();
  const first = ((await server.deliver(served, "push", pushPayload(sha))).body as { run_ids: string[] }).run_ids[0] as string;
  const failed = await server.completed(first);
  const testJob = (run: Record<string, unknown>): { id: number; conclusion: string } | undefined =>
    (run["jobs"] as { id: number; job_id: string; workflow: string; conclusion: string }[]).find((j) => j.workflow.endsWith("keep.yml") && j.job_id === "test");
  const logOf = async (id: string, run: Record<string, unknown>): Promise<string> =>
    (await server.request("GET", `/api/runs/${id}/jobs/${testJob(run)?.id}/logs`, { token: TOKENS.reader })).text;
  assert.equal(testJob(failed)?.conclusion, "failure");
  const stamp = /got=(\d+)/.exec(await logOf(first, failed))?.[1];
  assert.ok(stamp);
  writeFileSync(flag, "");
  const again = await server.request("POST", `/api/runs/${first}/rerun`, { token: TOKENS.trigger, body: { failed_only: true } });
  const rerunId = (again.body as { run_id: string }).run_id;
  const rerun = await server.completed(rerunId);
  // (The repository's other failing workflow, flaky.yml, runs again too and fails again.)
  assert.equal(testJob(rerun)?.conclusion, "success", JSON.stringify(rerun));
  const build = (rerun["jobs"] as { job_id: string; workflow: string; conclusion: string; started_at: string | null }[]).find(
    (j) => j.workflow.endsWith("keep.yml") && j.job_id === "build",
  );
  assert.equal(build?.conclusion, "success");
  assert.equal(build?.started_at, null, "the kept job did not run again");
  const rerunLog = await logOf(rerunId, rerun);
  assert.match(rerunLog, new RegExp(`got=${stamp}`));
  // The kept job's artifact came along: the job that ran again downloaded what the first run built.
  const built = /built \d+/.exec(await logOf(first, failed))?.[0];
  assert.ok(built && rerunLog.includes(built), rerunLog);
});
