// The run store on Postgres against SQLite for the same workload: appending 100,000 log lines
// (in the store's batches, then flushed), listing runs, and one small write (the cost of a call
// crossing to the thread that owns the Postgres connection, plus its round trip). Postgres is
// reached at TIERCI_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test); each
// measurement gets a fresh schema, dropped afterwards.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, redactUrl, type RunStore } from "../src/store/index.js";
import { PostgresBridge } from "../src/store/postgres-bridge.js";
import { median, report, timeRuns } from "./stats.js";

const LINES = 100_000;
const JOBS = 10;
const RUNS_LISTED = 1000;
const RUN = { repoRoot: "/bench", event: "push", ref: "refs/heads/main", sha: "a".repeat(40), actor: "bench" };
const POSTGRES_URL = process.env.TIERCI_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Opens a fresh store on one backend; the returned function releases it and its data. */
type Fresh = () => { store: RunStore; drop: () => void };

function sqliteStore(): ReturnType<Fresh> {
  const dir = mkdtempSync(join(tmpdir(), "tierci-bench-store-"));
  const store = openStore(join(dir, "tierci.db"));
  return {
    store,
    drop: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresStores(admin: PostgresBridge): Fresh {
  let made = 0;
  return () => {
    const schema = `tierci_bench_${process.pid}_${++made}`;
    admin.run([{ sql: `CREATE SCHEMA ${schema}`, params: [] }], false);
    const url = new URL(POSTGRES_URL);
    url.searchParams.set("options", `-c search_path=${schema}`);
    const store = openStore(url.toString());
    return {
      store,
      drop: () => {
        store.close();
        admin.run([{ sql: `DROP SCHEMA ${schema} CASCADE`, params: [] }], false);
      },
    };
  };
}

async function appendLines(fresh: Fresh): Promise<number[]> {
  return timeRunsOnFresh(fresh, 3, (store) => {
    const run = store.createRun(RUN);
    const jobs = Array.from({ length: JOBS }, (_, i) => store.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: `j${i}`, name: `j${i}` }).id);
    for (let i = 0; i < LINES; i++) {
      store.appendLog({
        jobRowId: jobs[i % JOBS] ?? 0,
        stepIndex: 0,
        stream: "stdout",
        text: `line ${i}: compiling module ${i % 977} of the project, all fine`,
      });
    }
    store.flush();
  });
}

/** Times `work` on a new store each run, leaving setup and teardown out of the time. */
async function timeRunsOnFresh(fresh: Fresh, runs: number, work: (store: RunStore) => void): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { store, drop } = fresh();
    try {
      times.push(...(await timeRuns(1, () => work(store))));
    } finally {
      drop();
    }
  }
  return times;
}

/** Per call: listing the newest 50 of 1,000 runs, and starting a job (a one-row write). */
async function perCall(fresh: Fresh): Promise<{ list: number[]; write: number[] }> {
  const { store, drop } = fresh();
  try {
    let job = 0;
    for (let i = 0; i < RUNS_LISTED; i++) {
      const run = store.createRun({ ...RUN, startedAt: 1_700_000_000_000 + i });
      job = store.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: "j", name: "j" }).id;
      store.finishRun(run.id, { conclusion: "success", summary: { jobs: 1 } });
    }
    const list = await timeRuns(200, () => store.listRuns({ limit: 50 }));
    const write = await timeRuns(500, () => store.startJob(job));
    return { list, write };
  } finally {
    drop();
  }
}

export async function benchStoreBackends(): Promise<void> {
  let admin: PostgresBridge;
  try {
    admin = new PostgresBridge(POSTGRES_URL, { connectTimeoutMs: 3000, lockTimeoutMs: 10_000, answerTimeoutMs: 60_000 });
  } catch {
    console.log(`store-backends: skipped, no Postgres at ${redactUrl(POSTGRES_URL)} (set TIERCI_BENCH_POSTGRES_URL)`);
    return;
  }
  try {
    const postgres = postgresStores(admin);
    report("store-backends", `postgres ${LINES} log lines`, await appendLines(postgres), "sqlite", await appendLines(sqliteStore));
    const pg = await perCall(postgres);
    const lite = await perCall(sqliteStore);
    report("store-backends", `postgres listRuns 50 of ${RUNS_LISTED}`, pg.list, "sqlite", lite.list);
    report("store-backends", "postgres startJob (one-row write)", pg.write, "sqlite", lite.write);
    console.log(`store-backends: postgres per-call overhead over sqlite for a one-row write: ${(median(pg.write) - median(lite.write)).toFixed(3)} ms`);
  } finally {
    admin.close();
  }
}
