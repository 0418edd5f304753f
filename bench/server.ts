// tierci serve, measured against baselines in the same run:
// - a webhook to the first step started, against `tierci run` started by hand on the same
//   repository (both read the step's own clock: `date` is its first command);
// - sustained deliveries (50 a second for TIERCI_BENCH_LOAD_SECONDS, 60 by default) from
//   autocannon on loopback: every delivery acknowledged, each queued exactly once, the p99 of the
//   acknowledgements against the p99 of /healthz under the same load.
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { bareCopy, removeTempDirs, signature, TestServer, TOKENS, type ServedRepo } from "../test/support/server-harness.js";
import { makeRepo } from "../test/support/git-repo.js";
import { median } from "./stats.js";

const CLI = "bin/tierci.js";
const SAMPLES = 12;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function stepClock(log: string): number {
  const m = /first-step-at=(\d+)/.exec(log);
  if (!m?.[1]) throw new Error(`no first-step-at line in:\n${log}`);
  return Number(m[1]);
}

async function webhookToFirstStep(): Promise<void> {
  const repo = makeRepo();
  repo.write(".github/workflows/ci.yml", "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo first-step-at=$(date +%s%3N)\n");
  const sha = repo.commit("bench");
  const served: ServedRepo = { name: "bench/latency", url: bareCopy(repo.dir), secret: "bench" };
  const server = await TestServer.start([served], { jobs: 2 });
  try {
    const byHand: number[] = [];
    const byHook: number[] = [];
    for (let i = 0; i <= SAMPLES; i++) {
      const t0 = Date.now();
      const r = spawnSync(process.execPath, [CLI, "run", "--repo", repo.dir, "--event", "push"], { encoding: "utf8" });
      if (i > 0) byHand.push(stepClock(r.stdout) - t0);
      const t1 = Date.now();
      const res = await server.deliver(served, "push", { ref: "refs/heads/main", before: "0".repeat(40), after: sha, repository: { full_name: served.name } });
      const id = (res.body as { run_ids: string[] }).run_ids[0] as string;
      const run = await server.completed(id);
      const job = (run["jobs"] as { id: number }[])[0];
      const log = await server.request("GET", `/api/runs/${id}/jobs/${job?.id}/logs`, { token: TOKENS.reader });
      if (i > 0) byHook.push(stepClock(log.text) - t1);
    }
    const hook = median(byHook);
    const hand = median(byHand);
    console.log(
      `server: webhook to first step median ${hook.toFixed(0)} ms, p99 ${percentile(byHook, 99).toFixed(0)} ms; tierci run by hand median ${hand.toFixed(0)} ms, p99 ${percentile(byHand, 99).toFixed(0)} ms; ratio ${(hook / hand).toFixed(2)}x, difference ${(hook - hand).toFixed(0)} ms (runs: ${SAMPLES})`,
    );
  } finally {
    await server.stop("SIGKILL");
    repo.remove();
    removeTempDirs();
  }
}

function load(url: string, seconds: number, setup: Omit<autocannon.Options, "url">): Promise<autocannon.Result> {
  return new Promise((done, fail) => {
    autocannon({ ...setup, url, duration: seconds, connections: 8, overallRate: 50 }, (err, result) => (err ? fail(err) : done(result)));
  });
}

async function sustainedDeliveries(): Promise<void> {
  const seconds = Number(process.env["TIERCI_BENCH_LOAD_SECONDS"] ?? 60);
  const repo = makeRepo();
  repo.write(".github/workflows/ci.yml", "on:\n  push:\n    branches: [release]\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: 'true'\n");
  const sha = repo.commit("bench");
  const served: ServedRepo = { name: "bench/load", url: bareCopy(repo.dir), secret: "bench" };
  const server = await TestServer.start([served], { jobs: 2 });
  try {
    const body = JSON.stringify({ ref: "refs/heads/main", before: "0".repeat(40), after: sha, repository: { full_name: served.name } });
    const sig = signature(served.secret, body);
    const health = await load(`${server.url}/healthz`, Math.min(seconds, 20), {});
    const hooks = await load(`${server.url}/hooks/github`, seconds, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": sig },
      requests: [{ setupRequest: (req) => ({ ...req, headers: { ...req.headers, "x-github-delivery": randomUUID() } }) }],
    });
    const metrics = await server.request("GET", "/metrics", { token: TOKENS.reader });
    const queued = Number(/tierci_webhook_deliveries_total\{result="queued"\} (\d+)/.exec(metrics.text)?.[1] ?? 0);
    await server.stop("SIGKILL");
    // What the server recorded: one delivery row and one run per acknowledged delivery.
    const db = new Database(join(server.dataDir, "server.db"), { readonly: true });
    const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    const runs = count("SELECT COUNT(*) AS n FROM server_runs");
    const deliveries = count("SELECT COUNT(*) AS n FROM deliveries");
    db.close();
    const exact = runs === deliveries && runs === queued && runs >= hooks["2xx"];
    console.log(
      `server: ${hooks["2xx"]} deliveries answered in ${seconds} s (${(hooks["2xx"] / seconds).toFixed(1)}/s), non-2xx ${hooks.non2xx}, errors ${hooks.errors}, timeouts ${hooks.timeouts}; recorded ${deliveries} deliveries and ${runs} runs (${exact ? "each delivery queued exactly once" : "MISMATCH"}); ` +
        `ack p99 ${hooks.latency.p99} ms, median ${hooks.latency.p50} ms; /healthz alone p99 ${health.latency.p99} ms; ratio ${(hooks.latency.p99 / Math.max(1, health.latency.p99)).toFixed(2)}x`,
    );
  } finally {
    await server.stop("SIGKILL");
    repo.remove();
    removeTempDirs();
  }
}

export async function benchServer(): Promise<void> {
  await webhookToFirstStep();
  await sustainedDeliveries();
}
