// Several machines on one Postgres: two `tierci serve` replicas behind a balancer, `tierci agent`
// processes taking the jobs. Every job runs exactly once and is spread over the agents; a killed
// agent's job fails within the lease; a killed replica leaves the other carrying webhooks, API
// calls and agents; a cron minute fires once across replicas; tokens and secrets stay where they belong.
import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test, type TestContext } from "node:test";
import { Balancer, TestAgent } from "../support/agent-harness.js";
import { onPostgres } from "../support/store-backends.js";
import { bareCopy, harnessDir, removeTempDirs, TestServer, TOKENS, type ServedRepo } from "../support/server-harness.js";
import { repoFactory } from "./harness.js";

const newRepo = repoFactory();
after(() => removeTempDirs());

const FANOUT = `name: Fan-out
on: workflow_dispatch
jobs:
  mark:
    strategy:
      matrix:
        n: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    runs-on: [self-hosted, linux]
    steps:
      - run: touch "$MARKERS/\${{ github.run_number }}-\${{ matrix.n }}-$RUNNER_NAME"
`;

const SLOW = `name: Slow
on: workflow_dispatch
jobs:
  slow:
    runs-on: ubuntu-latest
    steps:
      - run: echo "the step started"; sleep 120
`;

const NIGHTLY = `name: Nightly
on:
  schedule:
    - cron: "* * * * *"
jobs:
  tick:
    runs-on: ubuntu-latest
    steps:
      - run: echo tick
`;

const DEPLOY = `name: Deploy
on: workflow_dispatch
jobs:
  deploy:
    runs-on: [self-hosted, gpu]
    steps:
      - run: echo "deploying with \${{ secrets.DEPLOY_KEY }}"
`;

const PIPELINE = `name: Pipeline
on: workflow_dispatch
jobs:
  build:
    runs-on: [self-hosted]
    steps:
      - run: |
          mkdir -p dist reports
          echo "built by $RUNNER_NAME" > dist/out.txt
          printf '<testsuite name="s" tests="2" failures="0"><testcase name="a" classname="c"/><testcase name="b" classname="c"/></testsuite>' > reports/junit.xml
      - uses: actions/upload-artifact@v4
        with: {name: dist, path: dist}
  use:
    needs: build
    runs-on: [self-hosted]
    steps:
      - uses: actions/download-artifact@v4
        with: {name: dist}
      - run: grep "built by" out.txt
`;

const SHARED_CACHE = `name: Shared cache
on: workflow_dispatch
jobs:
  fill:
    runs-on: [self-hosted, left]
    steps:
      - uses: actions/cache@v4
        with: {path: deps, key: deps-v1}
      - run: mkdir -p deps/sub && echo "filled on $RUNNER_NAME" > deps/sub/file.txt
  use:
    needs: fill
    runs-on: [self-hosted, right]
    steps:
      - uses: actions/cache@v4
        id: cache
        with: {path: deps, key: deps-v2, restore-keys: deps-}
      - run: test "\${{ steps.cache.outputs.cache-hit }}" = "false" && grep "filled on left" deps/sub/file.txt
      - uses: actions/cache/restore@v4
        id: exact
        with: {path: deps, key: deps-v1}
      - run: test "\${{ steps.exact.outputs.cache-hit }}" = "true"
`;

const TWO_LINES = `name: Two lines
on: workflow_dispatch
jobs:
  talk:
    runs-on: ubuntu-latest
    steps:
      - run: echo line-one; sleep 4; echo line-two
`;

/** The lines of a job's log stream as they come, until `event: end`. */
async function* streamLines(url: string): AsyncGenerator<string> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${TOKENS.reader}` } });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let text = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    text += Buffer.from(value).toString();
    let at: number;
    while ((at = text.indexOf("\n\n")) >= 0) {
      const message = text.slice(0, at);
      text = text.slice(at + 2);
      yield message;
      if (message.startsWith("event: end")) return;
    }
  }
}

async function cluster(t: TestContext, location: string, files: Record<string, string>, opts: { secrets?: string; lease?: string } = {}) {
  const work = newRepo(files);
  const served: ServedRepo = { name: "acme/app", url: bareCopy(work.dir), secret: "hook-secret-0123", ...(opts.secrets ? { secretsFile: opts.secrets } : {}) };
  const a = await TestServer.start([served], { database: location, jobs: 0, configLines: [`agents: {lease: ${opts.lease ?? "30s"}}`] });
  t.after(() => a.stop("SIGKILL"));
  const b = await a.replica(0);
  t.after(() => b.stop("SIGKILL"));
  const alive = new Set([a.url, b.url]);
  const balancer = await Balancer.start(() => [...alive]);
  t.after(() => balancer.close());
  return { work, served, a, b, alive, balancer };
}

async function dispatch(server: TestServer, workflow: string): Promise<string> {
  const r = await server.request("POST", "/api/repos/acme/app/dispatches", { token: TOKENS.trigger, body: { workflow, ref: "main" } });
  assert.equal(r.status, 201, r.text);
  return (r.body as { run_id: string }).run_id;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

onPostgres((backend) => {
  test("200 jobs of 20 runs, from either replica, run once each and on every agent; a cron minute fires once", { timeout: 480_000 }, async (t) => {
    const { a, b, balancer } = await cluster(t, backend.location(t), { ".github/workflows/fanout.yml": FANOUT, ".github/workflows/nightly.yml": NIGHTLY });
    const markers = harnessDir("tierci-markers-");
    const agents = ["rack-1", "rack-2", "rack-3"].map((name) => new TestAgent(balancer.url, name, { jobs: 2, env: { MARKERS: markers } }));
    t.after(() => Promise.all(agents.map((x) => x.stop("SIGKILL"))));
    const runs: string[] = [];
    for (let i = 0; i < 20; i++) runs.push(await dispatch(i % 2 === 0 ? a : b, "fanout.yml"));
    for (const id of runs) {
      const run = await (runs.indexOf(id) % 2 === 0 ? b : a).completed(id, 400_000);
      const failed = (run["jobs"] as { name: string; conclusion: string; annotations: unknown[] }[]).filter((j) => j.conclusion !== "success");
      assert.equal(
        run["conclusion"],
        "success",
        `${JSON.stringify(failed).slice(0, 3000)}\n${agents
          .map((x) => x.log())
          .join("\n")
          .slice(-3000)}`,
      );
    }
    const files = readdirSync(markers);
    assert.equal(files.length, 200, "every job wrote exactly one marker");
    const jobs = new Set(files.map((f) => f.split("-").slice(0, 2).join("-")));
    assert.equal(jobs.size, 200, "no job ran twice");
    for (const name of ["rack-1", "rack-2", "rack-3"])
      assert.ok(
        files.some((f) => f.endsWith(`-${name}`)),
        `${name} ran some jobs:\n${agents.map((x) => x.log()).join("\n")}`,
      );

    const metrics = await b.request("GET", "/metrics", { token: TOKENS.reader });
    assert.match(metrics.text, /^tierci_agents_connected 3$/m);
    assert.match(metrics.text, /^tierci_agent_jobs_queued \d+$/m);

    // The schedule fires once per minute whichever replica looks; wait for two minutes to have fired.
    const scheduled = await until(
      "two scheduled minutes",
      async () => {
        const r = await a.request("GET", "/api/runs?event=schedule&limit=50", { token: TOKENS.reader });
        const list = (r.body as { runs: { created_at: string }[] }).runs;
        const minutes = new Set(list.map((x) => x.created_at.slice(0, 16)));
        return minutes.size >= 2 ? list : undefined;
      },
      150_000,
    );
    const perMinute = new Map<string, number>();
    for (const r of scheduled) perMinute.set(r.created_at.slice(0, 16), (perMinute.get(r.created_at.slice(0, 16)) ?? 0) + 1);
    for (const [minute, n] of perMinute) assert.equal(n, 1, `minute ${minute} fired ${n} times`);
  });

  test("an agent killed in the middle of a step: the job fails within the lease, the run finishes", { timeout: 120_000 }, async (t) => {
    const { a, balancer } = await cluster(t, backend.location(t), { ".github/workflows/slow.yml": SLOW }, { lease: "10s" });
    const agent = new TestAgent(balancer.url, "doomed");
    t.after(() => agent.stop("SIGKILL"));
    const id = await dispatch(a, "slow.yml");
    const running = await a.waitForRun(id, (r) => (r["jobs"] as unknown[] | undefined)?.length === 1, 60_000);
    const jobId = (running["jobs"] as { id: number }[])[0]?.id;
    await until(
      "the step to start",
      async () =>
        (await a.request("GET", `/api/runs/${id}/jobs/${jobId}/logs`, { token: TOKENS.reader })).text.includes("the step started") ? true : undefined,
      60_000,
    );
    await agent.stop("SIGKILL");
    const killedAt = Date.now();
    const run = await a.completed(id, 60_000);
    assert.ok(Date.now() - killedAt < 10_000 + 8000, "failed within the lease period and a reaping interval");
    assert.equal(run["conclusion"], "failure");
    const job = (run["jobs"] as { conclusion: string; annotations: { message: string }[] }[])[0];
    assert.equal(job?.conclusion, "failure");
    assert.ok(
      job?.annotations.some((x) => /the agent stopped responding \(doomed\)/.test(x.message)),
      JSON.stringify(job),
    );
    const log = await a.request("GET", `/api/runs/${id}/jobs/${jobId}/logs`, { token: TOKENS.reader });
    assert.match(log.text, /the step started/, "the log up to the loss is kept");
  });

  test("one replica killed: webhooks, API calls and agents carry on through the other", { timeout: 180_000 }, async (t) => {
    const { a, b, alive, balancer, work, served } = await cluster(t, backend.location(t), { ".github/workflows/fanout.yml": FANOUT });
    const markers = harnessDir("tierci-markers-");
    const agents = ["one", "two"].map((name) => new TestAgent(balancer.url, name, { env: { MARKERS: markers } }));
    t.after(() => Promise.all(agents.map((x) => x.stop("SIGKILL"))));
    const before = await dispatch(a, "fanout.yml");
    assert.equal((await b.completed(before, 120_000))["conclusion"], "success");
    await a.stop("SIGKILL");
    alive.delete(a.url);
    const after = await dispatch(b, "fanout.yml");
    const run = await b.completed(after, 120_000);
    assert.equal(run["conclusion"], "success", `${JSON.stringify(run).slice(0, 1500)}\n${b.log()}`);
    assert.equal(readdirSync(markers).length, 20);
    // A webhook now reaches the surviving replica and is acknowledged there.
    work.git("push", "-q", "--force", served.url, "HEAD:refs/heads/main");
    const ping = await b.deliver(served, "ping", { zen: "still here", repository: { full_name: served.name } });
    assert.equal(ping.status, 200, ping.text);
  });

  test("artifacts and test reports travel from one agent's job to the next and into the run", { timeout: 180_000 }, async (t) => {
    const { a, b, balancer } = await cluster(t, backend.location(t), { ".github/workflows/pipeline.yml": PIPELINE });
    const agents = ["left", "right"].map((name) => new TestAgent(balancer.url, name));
    t.after(() => Promise.all(agents.map((x) => x.stop("SIGKILL"))));
    const id = await dispatch(a, "pipeline.yml");
    const run = await b.completed(id, 150_000);
    assert.equal(run["conclusion"], "success", JSON.stringify(run).slice(0, 3000));
    assert.deepEqual(run["tests"], { passed: 2, failed: 0, skipped: 0 });
    assert.ok(
      (run["artifacts"] as { name: string }[]).some((x) => x.name === "dist"),
      JSON.stringify(run["artifacts"]),
    );
  });

  test("a cache saved by a job on one agent is restored by a job on another", { timeout: 180_000 }, async (t) => {
    const { a, balancer } = await cluster(t, backend.location(t), { ".github/workflows/cache.yml": SHARED_CACHE });
    const agents = [new TestAgent(balancer.url, "left", { labels: ["left"] }), new TestAgent(balancer.url, "right", { labels: ["right"] })];
    t.after(() => Promise.all(agents.map((x) => x.stop("SIGKILL"))));
    const id = await dispatch(a, "cache.yml");
    const run = await a.completed(id, 150_000);
    assert.equal(run["conclusion"], "success", `${JSON.stringify(run["jobs"]).slice(0, 3000)}\n${agents.map((x) => x.log()).join("\n")}`);
    const caches = run["caches"] as { key: string; hit: boolean; restored_key: string | null }[];
    assert.ok(
      caches.some((c) => c.key === "deps-v2" && !c.hit && c.restored_key === "deps-v1"),
      JSON.stringify(caches),
    );
  });

  test("a log followed on the other replica; SIGTERM lets the running job finish; a cancel through the other replica", { timeout: 180_000 }, async (t) => {
    const { a, b, balancer } = await cluster(t, backend.location(t), { ".github/workflows/two.yml": TWO_LINES, ".github/workflows/slow.yml": SLOW });
    const first = new TestAgent(balancer.url, "first");
    t.after(() => first.stop("SIGKILL"));
    const id = await dispatch(a, "two.yml");
    const running = await a.waitForRun(id, (r) => (r["jobs"] as unknown[] | undefined)?.length === 1, 60_000);
    const jobId = (running["jobs"] as { id: number }[])[0]?.id;
    const seen: string[] = [];
    for await (const message of streamLines(`${b.url}/api/runs/${id}/jobs/${jobId}/logs/stream`)) {
      seen.push(message);
      if (message === "data: line-one") first.child.kill("SIGTERM");
    }
    assert.ok(seen.includes("data: line-one") && seen.includes("data: line-two"), seen.join("\n"));
    assert.match(seen.at(-1) ?? "", /^event: end/);
    assert.equal((await a.completed(id, 30_000))["conclusion"], "success", "the job finished after SIGTERM");
    assert.equal(await first.exited, 0, first.log());

    const second = new TestAgent(balancer.url, "second");
    t.after(() => second.stop("SIGKILL"));
    const slow = await dispatch(a, "slow.yml");
    const slowRun = await a.waitForRun(slow, (r) => (r["jobs"] as unknown[] | undefined)?.length === 1, 60_000);
    const slowJob = (slowRun["jobs"] as { id: number }[])[0]?.id;
    await until(
      "the slow step to start",
      async () =>
        (await b.request("GET", `/api/runs/${slow}/jobs/${slowJob}/logs`, { token: TOKENS.reader })).text.includes("the step started") ? true : undefined,
      60_000,
    );
    const cancelled = await b.request("POST", `/api/runs/${slow}/cancel`, { token: TOKENS.trigger });
    assert.equal(cancelled.status, 202, cancelled.text);
    const done = await a.completed(slow, 40_000);
    assert.equal(done["conclusion"], "cancelled");
  });

  test("agent tokens: wrong, revoked or of another role get nothing; a lease carries only the job's own secrets", { timeout: 120_000 }, async (t) => {
    const secretsDir = harnessDir("tierci-secrets-");
    const secretsFile = join(secretsDir, "app.secrets");
    writeFileSync(secretsFile, "DEPLOY_KEY=deploy-value-7f3a9c\nOTHER_KEY=other-value-b81e44\n");
    const { a, b } = await cluster(t, backend.location(t), { ".github/workflows/deploy.yml": DEPLOY }, { secrets: secretsFile });
    const id = await dispatch(a, "deploy.yml");
    const lease = (token: string | undefined, server = b) =>
      server.request("POST", "/api/agent/lease", { ...(token ? { token } : {}), body: { name: "probe", labels: ["self-hosted", "gpu"], protocol: 1 } });
    assert.equal((await lease(undefined)).status, 401);
    assert.equal((await lease("not-a-real-token-at-all")).status, 401);
    assert.equal((await lease(TOKENS.reader)).status, 403);
    assert.equal((await lease(TOKENS.admin)).status, 403, "an admin token is not an agent token");
    assert.equal((await b.request("GET", "/api/runs", { token: TOKENS.agent })).status, 403, "an agent token opens agent routes only");

    const made = await a.request("POST", "/api/agent-tokens", { token: TOKENS.admin, body: { name: "rack-9" } });
    assert.equal(made.status, 201, made.text);
    const { id: tokenId, token } = made.body as { id: number; token: string };
    const revoked = await b.request("DELETE", `/api/agent-tokens/${tokenId}`, { token: TOKENS.admin });
    assert.equal(revoked.status, 204);
    assert.equal((await lease(token, a)).status, 401, "revoked through one replica, refused by the other");
    const refused = new TestAgent(b.url, "revoked", { token });
    assert.equal(await refused.exited, 1);
    assert.match(refused.log(), /401|revoked/);
    assert.ok(!refused.log().includes(token), "the agent never prints its token");

    const waiting = await a.waitForRun(id, (r) => (r["jobs"] as unknown[] | undefined)?.length === 1, 60_000);
    const waitingJob = (waiting["jobs"] as { id: number }[])[0]?.id;
    const note = await until(
      "the job's log to say what it waits for",
      async () => {
        const log = await b.request("GET", `/api/runs/${id}/jobs/${waitingJob}/logs`, { token: TOKENS.reader });
        return log.text.includes("Waiting for an agent") ? log.text : undefined;
      },
      40_000,
    );
    assert.match(note, /Waiting for an agent with the labels gpu, self-hosted; (no agent is connected|connected agents: )/);

    const leased = await until(
      "the deploy job to be queued",
      async () => {
        const r = await lease(TOKENS.agent);
        return (r.body as { job: unknown }).job ? r : undefined;
      },
      60_000,
    );
    const job = (leased.body as { job: { secrets: Record<string, string>; spec: { secretNames: string[] } } }).job;
    assert.deepEqual(job.secrets, { DEPLOY_KEY: "deploy-value-7f3a9c" });
    assert.ok(!leased.text.includes("other-value-b81e44"), "a secret the job does not use never leaves the server");
    const run = await a.run(id);
    assert.notEqual(run["status"], "completed");
  });
});
