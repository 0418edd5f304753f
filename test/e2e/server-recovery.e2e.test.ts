// The server stopping, gracefully or not, and schedules across restarts.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { ZERO_SHA } from "../../src/git/git.js";
import { bareCopy, examplePayload, removeTempDirs, type ServedRepo, TestServer, TOKENS } from "../support/server-harness.js";
import { alive, repoFactory, waitFor } from "./harness.js";

const newRepo = repoFactory();
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.stop("SIGKILL");
  removeTempDirs();
});

const SLOW = `name: Slow
on: push
jobs:
  slow:
    runs-on: ubuntu-latest
    steps:
      - run: echo "before pid=$$"; sleep \${{ contains(github.event.head_commit.message, 'short') && '3' || '60' }}; echo after
`;

function push(served: ServedRepo, sha: string, message: string): Record<string, unknown> {
  const payload = examplePayload("push", (p) => String(p["ref"]).startsWith("refs/heads/"));
  return {
    ...payload,
    ref: "refs/heads/main",
    before: ZERO_SHA,
    after: sha,
    head_commit: { id: sha, message },
    repository: { full_name: served.name, default_branch: "main" },
  };
}

async function jobLog(server: TestServer, runId: string): Promise<string> {
  const run = await server.run(runId);
  const job = (run["jobs"] as { id: number }[])[0];
  return (await server.request("GET", `/api/runs/${runId}/jobs/${job?.id}/logs`, { token: TOKENS.reader })).text;
}

test("kill -9 mid-job: after a restart the running job has failed, 'the server stopped', with its log, its processes are ended, and the queued run goes on", async () => {
  const work = newRepo({ ".github/workflows/slow.yml": SLOW });
  const served: ServedRepo = { name: "acme/slow", url: bareCopy(work.dir), secret: "k9" };
  const server = await TestServer.start([served], { jobs: 1 });
  servers.push(server);
  const sha = work.git("rev-parse", "HEAD");
  const first = ((await server.deliver(served, "push", push(served, sha, "long"))).body as { run_ids: string[] }).run_ids[0] as string;
  await server.waitForRun(first, (r) => (r["jobs"] as { status: string }[] | undefined)?.some((j) => j.status === "in_progress") === true);
  let pid = 0;
  for (let i = 0; i < 100 && pid === 0; i++) {
    pid = Number(/before pid=(\d+)/.exec(await jobLog(server, first))?.[1] ?? 0);
    if (pid === 0) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(pid > 0, "the step's log line arrived");
  const second = ((await server.deliver(served, "push", push(served, sha, "short"))).body as { run_ids: string[] }).run_ids[0] as string;
  await server.stop("SIGKILL");
  assert.ok(alive(pid), "the step outlived the killed server");

  const again = await server.restart();
  servers.push(again);
  const failed = await again.completed(first);
  assert.equal(failed["conclusion"], "failure");
  assert.equal(failed["note"], "the server stopped");
  assert.equal((failed["jobs"] as { conclusion: string }[])[0]?.conclusion, "failure");
  assert.match(await jobLog(again, first), /before pid=/);
  await waitFor(() => !alive(pid), 10_000, "the orphaned step to be ended");
  const resumed = await again.completed(second, 90_000);
  assert.equal(resumed["conclusion"], "success", JSON.stringify(resumed));
  assert.match(await jobLog(again, second), /after/);
  await again.stop();
});

test("SIGTERM lets a running job finish within the grace period, then the server exits 0", async () => {
  const work = newRepo({ ".github/workflows/slow.yml": SLOW });
  const served: ServedRepo = { name: "acme/term", url: bareCopy(work.dir), secret: "t" };
  const server = await TestServer.start([served]);
  servers.push(server);
  const sha = work.git("rev-parse", "HEAD");
  const id = ((await server.deliver(served, "push", push(served, sha, "short"))).body as { run_ids: string[] }).run_ids[0] as string;
  await server.waitForRun(id, (r) => (r["jobs"] as { status: string }[] | undefined)?.some((j) => j.status === "in_progress") === true);
  assert.equal(await server.stop("SIGTERM"), 0);
  assert.match(server.log(), /SIGTERM: taking no new work/);
  const again = await server.restart();
  servers.push(again);
  assert.equal((await again.run(id))["conclusion"], "success");
  await again.stop();
});

test("a '* * * * *' schedule fires once in a minute, also when the server restarts inside that minute", async () => {
  const secondsLeft = 60 - new Date().getUTCSeconds();
  if (secondsLeft < 20) await new Promise((r) => setTimeout(r, secondsLeft * 1000 + 500));
  const work = newRepo({
    ".github/workflows/nightly.yml":
      "on:\n  schedule:\n    - cron: '* * * * *'\njobs:\n  n:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"cron=${{ github.event.schedule }}\"\n",
  });
  const served: ServedRepo = { name: "acme/cron", url: bareCopy(work.dir), secret: "c" };
  const server = await TestServer.start([served]);
  servers.push(server);
  const scheduled = async (s: TestServer): Promise<{ id: string; created_at: string }[]> =>
    ((await s.request("GET", "/api/runs?repo=acme/cron&event=schedule", { token: TOKENS.reader })).body as { runs: { id: string; created_at: string }[] }).runs;
  const deadline = Date.now() + 15_000;
  while ((await scheduled(server)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const fired = await scheduled(server);
  assert.equal(fired.length, 1);
  await server.stop();
  const again = await server.restart();
  servers.push(again);
  await new Promise((r) => setTimeout(r, 1500));
  const runs = await scheduled(again);
  const minutes = runs.map((r) => r.created_at.slice(0, 16));
  assert.equal(new Set(minutes).size, minutes.length, `one run per minute: ${minutes.join(", ")}`);
  const run = await again.completed(fired[0]?.id as string);
  assert.equal(run["conclusion"], "success", JSON.stringify(run));
  assert.match(await jobLog(again, fired[0]?.id as string), /cron=\* \* \* \* \*/);
  await again.stop();
});
