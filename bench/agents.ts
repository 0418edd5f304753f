// Agents on one Postgres: throughput of trivial jobs with one agent and with three (each agent
// takes one job at a time), the scaling per added agent against the one-agent baseline of the
// same run, and the lease latency (a job put on the queue to an agent holding its lease), read
// from the queue's own rows. The database is TIERCI_BENCH_POSTGRES_URL (default the local one);
// each phase gets a fresh schema.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { Balancer, TestAgent } from "../test/support/agent-harness.js";
import { makeRepo } from "../test/support/git-repo.js";
import { bareCopy, removeTempDirs, TestServer, TOKENS, type ServedRepo } from "../test/support/server-harness.js";
import { PostgresBridge } from "../src/store/postgres-bridge.js";
import { median } from "./stats.js";

const POSTGRES_URL = process.env.TIERCI_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const RUNS = 4;
const JOBS_PER_RUN = 15;
const IDLE_SAMPLES = 10;
const BRIDGE = { connectTimeoutMs: 3000, lockTimeoutMs: 10_000, answerTimeoutMs: 60_000 };

const WORKFLOW = `name: Trivial
on: workflow_dispatch
jobs:
  t:
    strategy:
      matrix:
        n: [${Array.from({ length: JOBS_PER_RUN }, (_, i) => i).join(", ")}]
    runs-on: [self-hosted]
    steps:
      - run: echo "job \${{ matrix.n }}"
`;

interface Phase {
  jobsPerSecond: number;
  leaseMs: number[];
  /** The share of the machine's CPU time in use while the jobs ran (from /proc/stat). */
  busy: number;
  /** Queued to leased for single jobs sent one at a time to idle agents. */
  idleLeaseMs: number[];
}

function cpuTimes(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

async function phase(admin: PostgresBridge, agents: number, tag: string): Promise<Phase> {
  const schema = `tierci_bench_agents_${process.pid}_${tag}`;
  admin.run([{ sql: `CREATE SCHEMA ${schema}`, params: [] }], false);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  const repo = makeRepo();
  repo.write(".github/workflows/trivial.yml", WORKFLOW);
  repo.write(".github/workflows/single.yml", "on: workflow_dispatch\njobs:\n  one:\n    runs-on: [self-hosted]\n    steps:\n      - run: echo one\n");
  repo.commit("bench");
  repo.git("branch", "-M", "main");
  const served: ServedRepo = { name: "bench/agents", url: bareCopy(repo.dir), secret: "bench-hook-secret" };
  const server = await TestServer.start([served], { database: url.toString(), jobs: 0 });
  const balancer = await Balancer.start(() => [server.url]);
  const running = Array.from({ length: agents }, (_, i) => new TestAgent(balancer.url, `bench-${tag}-${i}`, { jobs: 1 }));
  try {
    // One warm-up run, so every agent has started and the mirror is fetched.
    const warm = await server.request("POST", "/api/repos/bench/agents/dispatches", { token: TOKENS.trigger, body: { workflow: "trivial.yml", ref: "main" } });
    await server.completed((warm.body as { run_id: string }).run_id, 300_000);
    const cpu = cpuTimes();
    const start = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await server.request("POST", "/api/repos/bench/agents/dispatches", { token: TOKENS.trigger, body: { workflow: "trivial.yml", ref: "main" } });
      ids.push((r.body as { run_id: string }).run_id);
    }
    for (const id of ids) {
      const run = await server.completed(id, 600_000);
      if (run["conclusion"] !== "success") throw new Error(`a bench run failed: ${JSON.stringify(run).slice(0, 1000)}`);
    }
    const seconds = (performance.now() - start) / 1000;
    const cpuAfter = cpuTimes();
    const busy = (cpuAfter.busy - cpu.busy) / (cpuAfter.total - cpu.total);
    const db = new PostgresBridge(url.toString(), BRIDGE);
    const latency = (): number[] =>
      db
        .rows<{ ms: string }>("SELECT EXTRACT(EPOCH FROM (leased_at - created_at)) * 1000 AS ms FROM agent_jobs WHERE leased_at IS NOT NULL", [])
        .map((r) => Number(r.ms));
    const leaseMs = latency();
    db.run([{ sql: "DELETE FROM agent_jobs", params: [] }], false);
    for (let i = 0; i < IDLE_SAMPLES; i++) {
      const r = await server.request("POST", "/api/repos/bench/agents/dispatches", { token: TOKENS.trigger, body: { workflow: "single.yml", ref: "main" } });
      await server.completed((r.body as { run_id: string }).run_id, 120_000);
    }
    const idleLeaseMs = latency();
    db.close();
    return { jobsPerSecond: (RUNS * JOBS_PER_RUN) / seconds, leaseMs, busy, idleLeaseMs };
  } finally {
    await Promise.all(running.map((a) => a.stop("SIGKILL")));
    await balancer.close();
    await server.stop("SIGKILL");
    repo.remove();
    admin.run([{ sql: `DROP SCHEMA IF EXISTS ${schema} CASCADE`, params: [] }], false);
  }
}

export async function benchAgents(): Promise<void> {
  let admin: PostgresBridge;
  try {
    admin = new PostgresBridge(POSTGRES_URL, BRIDGE);
  } catch (err) {
    console.log(`agents: skipped, no Postgres (${(err as Error).message})`);
    return;
  }
  try {
    const one = await phase(admin, 1, "one");
    const three = await phase(admin, 3, "three");
    const perAdded = (three.jobsPerSecond - one.jobsPerSecond) / (2 * one.jobsPerSecond);
    console.log(
      `agents: trivial jobs, one agent ${one.jobsPerSecond.toFixed(2)} jobs/s (CPU ${(one.busy * 100).toFixed(0)}% busy); three agents ${three.jobsPerSecond.toFixed(2)} jobs/s (CPU ${(three.busy * 100).toFixed(0)}% busy); ratio ${(three.jobsPerSecond / one.jobsPerSecond).toFixed(2)}x; scaling per added agent ${perAdded.toFixed(2)} (goal 0.8; ${RUNS} runs of ${JOBS_PER_RUN} jobs each, ${availableParallelism()} cores shared by the server, Postgres and the agents)`,
    );
    console.log(
      `agents: lease latency, queued to leased, for one job at a time: median ${median(one.idleLeaseMs).toFixed(0)} ms with one idle agent, ${median(three.idleLeaseMs).toFixed(0)} ms with three (jobs: ${IDLE_SAMPLES} each); under the bursts above: median ${median(one.leaseMs).toFixed(0)} ms, ${median(three.leaseMs).toFixed(0)} ms (jobs waiting for a free agent)`,
    );
  } finally {
    admin.close();
    removeTempDirs();
  }
}
