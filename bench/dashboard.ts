// The dashboard, measured against baselines in the same run:
// - the runs page with 10,000 recorded runs (first page, a filtered page, a page deep in the list),
//   against /healthz on the same server: p95 and median;
// - a 200 MB job log: the log page's first, middle and last range, against the same page of a
//   1,000-line log, and the server's resident memory before and after (growth goal < 50 MB);
// - a line's way from the step's `echo` to an open log page's SSE stream, against the API's
//   log stream of the same job read at the same time.
import { join } from "node:path";
import { mkdirSync, readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { openStore } from "../src/store/index.js";
import { SqliteServerDb } from "../src/server/server-db.js";
import { dashboardLogin, type DashboardSession } from "../test/support/dashboard-session.js";
import { makeRepo } from "../test/support/git-repo.js";
import { bareCopy, harnessDir, pushPayload, removeTempDirs, TestServer, TOKENS, type ServedRepo } from "../test/support/server-harness.js";
import { median } from "./stats.js";

const RUNS = 10_000;
const SAMPLES = 60;
const LOG_BYTES = 200 * 1024 * 1024;

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] ?? 0;
}

const fmt = (values: number[]): string => `median ${median(values).toFixed(1)} ms, p95 ${p95(values).toFixed(1)} ms`;

async function timeGets(server: TestServer, path: string, session: DashboardSession | undefined, samples = SAMPLES): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const res = await fetch(`${server.url}${path}`, { headers: { accept: "text/html", ...(session ? { cookie: session.cookie } : {}) } });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    times.push(performance.now() - t0);
  }
  return times;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) / 1024;
}

/** 10,000 finished runs in the server's records, and two jobs in the run store: a 200 MB log and a 1,000-line one. */
function seed(dataDir: string): { bigRun: string; bigJob: number; smallRun: string; smallJob: number; lines: number } {
  const db = new SqliteServerDb(join(dataDir, "server.db"));
  const tiers = [
    { name: "fast", status: "success", started_at: null, duration_ms: 40_000, budget_ms: 300_000 },
    { name: "core", status: "failure", started_at: null, duration_ms: 400_000, budget_ms: 900_000 },
  ];
  const t0 = Date.now() - RUNS * 60_000;
  db.db.transaction(() => {
    for (let i = 0; i < RUNS; i++) {
      const run = db.queueRun(
        {
          repo: "bench/app",
          event: "push",
          ref: `refs/heads/${i % 7 ? "main" : "feature"}`,
          sha: "a".repeat(40),
          request: { kind: "webhook", event: "push", payload: { sender: { login: "dev" } } },
        },
        t0 + i * 60_000,
      );
      db.startRun(run.id, `p${i}`, [".github/workflows/ci.yml"], t0 + i * 60_000);
      db.finishRun(run.id, { conclusion: i % 5 ? "success" : "failure", summary: { tiers } }, t0 + i * 60_000 + 30_000);
    }
  })();
  // The server caps what it records of one job (64 MB by default); the log written here is bigger on
  // purpose, to measure reading one of any size.
  const store = openStore(join(dataDir, "runs.db"), { logBytesPerJob: 2 * LOG_BYTES });
  const line = `${"x".repeat(60)} \u001b[32mok\u001b[0m step output`;
  const lines = Math.ceil(LOG_BYTES / (line.length + 12));
  const job = (count: number): { run: string; job: number } => {
    const record = store.createRun({ repoRoot: "bench/app", event: "push", ref: "refs/heads/main", sha: "b".repeat(40), actor: "dev" });
    const row = store.addJob({ runId: record.id, tier: "core", workflow: ".github/workflows/ci.yml", jobId: "big", name: "big", startedAt: Date.now() });
    const step = store.addStep({ jobRowId: row.id, index: 0, name: "print", startedAt: Date.now() });
    for (let i = 1; i <= count; i++) store.appendLog({ jobRowId: row.id, stepIndex: 0, stream: "stdout", text: `${i} ${line}` });
    store.finishStep(step.id, { outcome: "success", conclusion: "success" });
    store.finishJob(row.id, "success");
    store.finishRun(record.id, { conclusion: "success" });
    const server = db.queueRun({
      repo: "bench/app",
      event: "push",
      ref: "refs/heads/main",
      sha: "b".repeat(40),
      request: { kind: "webhook", event: "push", payload: {} },
    });
    db.startRun(server.id, record.id, [".github/workflows/ci.yml"]);
    db.finishRun(server.id, { conclusion: "success" });
    return { run: server.id, job: row.id };
  };
  const big = job(lines);
  const small = job(1000);
  store.close();
  db.close();
  return { bigRun: big.run, bigJob: big.job, smallRun: small.run, smallJob: small.job, lines };
}

async function pagesAndLogs(): Promise<void> {
  const dataDir = join(harnessDir("tierci-bench-dash-"), "data");
  mkdirSync(dataDir, { recursive: true });
  const t0 = performance.now();
  const seeded = seed(dataDir);
  console.log(
    `dashboard: seeded ${RUNS} runs and a ${seeded.lines}-line (${LOG_BYTES / 1024 / 1024} MB) log in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const repo = makeRepo();
  repo.commit("empty");
  const server = await TestServer.start([{ name: "bench/app", url: bareCopy(repo.dir), secret: "bench" }], { dataDir });
  try {
    const session = await dashboardLogin(server.url, TOKENS.reader);
    const health = await timeGets(server, "/healthz", undefined);
    const first = await timeGets(server, "/", session);
    const filtered = await timeGets(server, "/?branch=feature&conclusion=failure", session);
    const deep = (await (await fetch(`${server.url}/api/runs?limit=500`, { headers: { authorization: `Bearer ${TOKENS.reader}` } })).json()) as {
      runs: { id: string }[];
    };
    const deepPage = await timeGets(server, `/?before=${deep.runs[deep.runs.length - 1]?.id ?? ""}`, session);
    console.log(
      `dashboard: runs page of ${RUNS} runs ${fmt(first)}; filtered ${fmt(filtered)}; 500 runs deep ${fmt(deepPage)}; /healthz ${fmt(health)}; ratio (p95) ${(p95(first) / p95(health)).toFixed(1)}x (goal p95 < 200 ms; samples ${SAMPLES})`,
    );

    const pid = server.child.pid as number;
    const rssBefore = rssMb(pid);
    const logPath = `/runs/${seeded.bigRun}/jobs/${seeded.bigJob}`;
    const bigFirst = await timeGets(server, logPath, session, 10);
    const bigMiddle = await timeGets(server, `${logPath}?from=${Math.floor(seeded.lines / 2)}`, session, 10);
    const bigLast = await timeGets(server, `${logPath}?at=${seeded.lines}`, session, 10);
    const small = await timeGets(server, `/runs/${seeded.smallRun}/jobs/${seeded.smallJob}`, session, 10);
    const rssAfter = rssMb(pid);
    const search = await timeGets(server, `${logPath}?q=no-such-text`, session, 1);
    const rssSearch = rssMb(pid);
    console.log(
      `dashboard: 200 MB log page — first lines ${fmt(bigFirst)}, middle ${fmt(bigMiddle)}, last ${fmt(bigLast)}; 1,000-line log ${fmt(small)}; ratio (median, first) ${(median(bigFirst) / median(small)).toFixed(2)}x (goal < 1 s); ` +
        `server RSS ${rssBefore.toFixed(0)} → ${rssAfter.toFixed(0)} MB (+${(rssAfter - rssBefore).toFixed(1)} MB, goal < 50 MB); a search through all of it ${search[0]?.toFixed(0)} ms, RSS then ${rssSearch.toFixed(0)} MB`,
    );
  } finally {
    await server.stop("SIGKILL");
    repo.remove();
  }
}

/** Reads an SSE stream, calling `line` with each data line's text and the time it arrived. */
async function readStream(url: string, headers: Record<string, string>, line: (data: string, at: number) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(url, { headers, signal });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const at = Date.now();
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const message = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const data = /^data: (.*)$/m.exec(message)?.[1];
        if (data) line(data, at);
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

async function lineLatency(): Promise<void> {
  const repo = makeRepo();
  repo.write(
    ".github/workflows/ci.yml",
    'on: push\njobs:\n  print:\n    runs-on: ubuntu-latest\n    steps:\n      - run: sleep 2; for i in $(seq 1 60); do echo "printed-at=$(date +%s%3N)"; sleep 0.1; done\n',
  );
  const sha = repo.commit("bench");
  const served: ServedRepo = { name: "bench/live", url: bareCopy(repo.dir), secret: "bench" };
  const server = await TestServer.start([served], { jobs: 2 });
  try {
    const session = await dashboardLogin(server.url, TOKENS.reader);
    const res = await server.deliver(served, "push", pushPayload(served.name, sha));
    const id = (res.body as { run_ids: string[] }).run_ids[0] as string;
    const run = await server.waitForRun(id, (r) => (r["jobs"] as unknown[] | undefined)?.length === 1);
    const job = (run["jobs"] as { id: number }[])[0]?.id;
    const page: number[] = [];
    const api: number[] = [];
    const delay = (into: number[]) => (data: string, at: number) => {
      const m = /printed-at=(\d+)/.exec(data);
      if (m?.[1]) into.push(at - Number(m[1]));
    };
    const stop = new AbortController();
    const streams = [
      readStream(`${server.url}/runs/${id}/jobs/${job}/follow`, { cookie: session.cookie }, delay(page), stop.signal),
      readStream(`${server.url}/api/runs/${id}/jobs/${job}/logs/stream`, { authorization: `Bearer ${TOKENS.reader}` }, delay(api), stop.signal),
    ];
    await server.completed(id);
    stop.abort();
    await Promise.allSettled(streams);
    // Lines printed before a stream opened arrive with the replay; only those that were live count.
    const live = (values: number[]) => values.filter((v) => v < 2000);
    console.log(
      `dashboard: a printed line reaches the log page's stream ${fmt(live(page))} (lines ${live(page).length}); the API's stream ${fmt(live(api))}; ratio (median) ${(median(live(page)) / Math.max(0.1, median(live(api)))).toFixed(2)}x (goal < 250 ms)`,
    );
  } finally {
    await server.stop("SIGKILL");
    repo.remove();
  }
}

export async function benchDashboard(): Promise<void> {
  try {
    await pagesAndLogs();
    await lineLatency();
  } finally {
    removeTempDirs();
  }
}
