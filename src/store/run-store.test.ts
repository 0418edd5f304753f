import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { forEachBackend } from "../../test/support/store-backends.js";
import { defaultStorePath, openStore, StoreError, type NewRun, type RunStore } from "./index.js";
import { SCHEMA_VERSION } from "./schema.js";

const RUN: NewRun = { repoRoot: "/repo", event: "push", ref: "refs/heads/main", sha: "a".repeat(40), actor: "dev" };

function tempRepo(t: TestContext): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "tierci-store-")));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function tempDbPath(t: TestContext): string {
  return defaultStorePath(tempRepo(t));
}

function open(t: TestContext, path: string, options?: Parameters<typeof openStore>[1]): RunStore {
  const store = openStore(path, options);
  t.after(() => store.close());
  return store;
}

/** Node source for a child process that has `openStore`, `db` (the path) and `RUN` in scope. */
function childScript(path: string, body: string): string {
  const module = new URL("./index.js", import.meta.url).href;
  return `import { openStore } from ${JSON.stringify(module)};\nconst db = ${JSON.stringify(path)};\nconst RUN = ${JSON.stringify(RUN)};\n${body}`;
}

function runChild(path: string, body: string) {
  return spawnSync(process.execPath, ["--input-type=module", "-e", childScript(path, body)], { encoding: "utf8" });
}

test("the database and its directory are created at the given path, in WAL mode", (t) => {
  const repo = tempRepo(t);
  const path = defaultStorePath(repo);
  assert.equal(path, join(repo, ".tierci", "tierci.db"));
  open(t, path).createRun(RUN);
  assert.ok(existsSync(path));
  const raw = new Database(path, { readonly: true });
  t.after(() => raw.close());
  assert.equal(raw.pragma("journal_mode", { simple: true }), "wal");
});

test("migrating is idempotent, and a database from a newer tierci is refused", (t) => {
  const path = tempDbPath(t);
  openStore(path).close();
  openStore(path).close();
  const raw = new Database(path);
  t.after(() => raw.close());
  assert.deepEqual(
    raw.prepare("SELECT version FROM schema_version").pluck().all(),
    Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
  );
  assert.deepEqual(raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all(), [
    "annotations",
    "coverage_files",
    "jobs",
    "logs",
    "runs",
    "schema_version",
    "steps",
    "test_results",
  ]);
  raw.prepare("INSERT INTO schema_version (version, applied_at) VALUES (?, 0)").run(SCHEMA_VERSION + 1);
  assert.throws(
    () => openStore(path),
    (err: unknown) => err instanceof StoreError && err.kind === "schema-too-new",
  );
});

forEachBackend((backend) => {
  test("a run with jobs, steps, logs and annotations reads back the same from a new handle", (t) => {
    const path = backend.location(t);
    const writer = openStore(path);
    const run = writer.createRun({ ...RUN, startedAt: 1_000 });
    const lint = writer.addJob({ runId: run.id, tier: "fast gates", workflow: "lint.yml", jobId: "lint", name: "lint" });
    const unit = writer.addJob({
      runId: run.id,
      tier: "core",
      workflow: "ci.yml",
      jobId: "unit",
      name: "unit (3.11)",
      matrix: { python: "3.11", extra: [1, 2] },
      attempt: 2,
      startedAt: 1_100,
    });
    writer.startJob(lint.id, 1_010);
    const checkout = writer.addStep({ jobRowId: lint.id, index: 0, name: "Checkout", stepId: "co" });
    const ruff = writer.addStep({ jobRowId: lint.id, index: 1, name: "ruff", startedAt: 1_050 });
    writer.startStep(checkout.id, 1_020);
    writer.appendLog({ jobRowId: lint.id, stepIndex: null, stream: "system", text: "Job started", ts: 1_011 });
    writer.appendLog({ jobRowId: lint.id, stepIndex: 0, stream: "stdout", text: "cloned", ts: 1_021 });
    writer.appendLog({ jobRowId: unit.id, stepIndex: null, stream: "system", text: "other job", ts: 1_101 });
    writer.finishStep(checkout.id, { outcome: "success", conclusion: "success", finishedAt: 1_030 });
    writer.appendLog({ jobRowId: lint.id, stepIndex: 1, stream: "stderr", text: "E501 line too long", ts: 1_051 });
    writer.appendLog({ jobRowId: lint.id, stepIndex: 1, stream: "stdout", text: "", ts: 1_052 });
    const full = writer.addAnnotation({
      runId: run.id,
      jobRowId: lint.id,
      stepIndex: 1,
      level: "error",
      message: "line too long",
      title: "E501",
      file: "src/a.py",
      line: 3,
      col: 80,
      endLine: 3,
      endCol: 99,
    });
    const bare = writer.addAnnotation({ runId: run.id, level: "notice", message: "budget: 12 s of 5 m" });
    writer.finishStep(ruff.id, { outcome: "failure", conclusion: "success", finishedAt: 1_060 });
    writer.finishJob(lint.id, "success", 1_070);
    writer.finishJob(unit.id, "skipped", 1_200);
    const summary = { run_id: run.id, status: "success", tiers: [{ name: "fast gates", duration_ms: 60 }] };
    writer.finishRun(run.id, { conclusion: "success", finishedAt: 1_300, summary });
    writer.close();

    const reader = open(t, path);
    assert.deepEqual(reader.getRun(run.id), { ...run, status: "completed", conclusion: "success", finishedAt: 1_300, summary });
    assert.equal(run.number, 1);
    assert.equal(run.pid, process.pid);
    assert.equal(run.host, hostname());
    assert.deepEqual(reader.jobsOf(run.id), [
      { ...lint, status: "completed", conclusion: "success", startedAt: 1_010, finishedAt: 1_070 },
      { ...unit, status: "completed", conclusion: "skipped", finishedAt: 1_200 },
    ]);
    assert.equal(lint.status, "queued");
    assert.equal(unit.status, "in_progress");
    assert.deepEqual(unit.matrix, { python: "3.11", extra: [1, 2] });
    assert.deepEqual(reader.stepsOf(lint.id), [
      { ...checkout, status: "completed", outcome: "success", conclusion: "success", startedAt: 1_020, finishedAt: 1_030 },
      { ...ruff, status: "completed", outcome: "failure", conclusion: "success", finishedAt: 1_060 },
    ]);
    assert.equal(ruff.stepId, null);
    assert.deepEqual(reader.stepsOf(unit.id), []);
    assert.deepEqual(
      reader.logsOf(lint.id).map((l) => [l.seq, l.stepIndex, l.stream, l.text, l.ts]),
      [
        [1, null, "system", "Job started", 1_011],
        [2, 0, "stdout", "cloned", 1_021],
        [3, 1, "stderr", "E501 line too long", 1_051],
        [4, 1, "stdout", "", 1_052],
      ],
    );
    assert.deepEqual(
      reader.logsOf(lint.id, 1).map((l) => l.text),
      ["E501 line too long", ""],
    );
    assert.deepEqual(
      reader.logsOf(lint.id, null).map((l) => l.text),
      ["Job started"],
    );
    assert.deepEqual(reader.logsOf(unit.id), [{ jobRowId: unit.id, stepIndex: null, seq: 1, ts: 1_101, stream: "system", text: "other job" }]);
    assert.deepEqual(reader.annotationsOf(run.id), [full, bare]);
    assert.deepEqual(bare, {
      id: bare.id,
      runId: run.id,
      jobRowId: null,
      stepIndex: null,
      level: "notice",
      message: "budget: 12 s of 5 m",
      title: null,
      file: null,
      line: null,
      col: null,
      endLine: null,
      endCol: null,
    });
  });

  test("reopening keeps the runs, and appending to a job carries on its sequence", (t) => {
    const path = backend.location(t);
    const first = openStore(path);
    const run = first.createRun(RUN);
    const job = first.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: "build", name: "build" });
    first.appendLog({ jobRowId: job.id, stepIndex: null, stream: "stdout", text: "one" });
    first.close();
    first.close();

    const second = open(t, path);
    second.appendLog({ jobRowId: job.id, stepIndex: null, stream: "stdout", text: "two" });
    assert.deepEqual(
      second.logsOf(job.id).map((l) => [l.seq, l.text]),
      [
        [1, "one"],
        [2, "two"],
      ],
    );
    assert.equal(second.createRun(RUN).number, 2);
    assert.deepEqual(
      second.listRuns({ limit: 10 }).map((r) => r.number),
      [2, 1],
    );
  });

  test("run numbers stay unique and in order when two handles on one file take turns", (t) => {
    const path = backend.location(t);
    const a = open(t, path);
    const b = open(t, path);
    const numbers = [];
    for (let i = 0; i < 5; i++) {
      numbers.push(a.createRun(RUN).number, b.createRun(RUN).number);
    }
    assert.deepEqual(numbers, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(b.createRun({ ...RUN, repoRoot: "/other" }).number, 1, "each repository counts from 1");
    assert.equal(a.createRun(RUN).number, 11);
  });

  test("two processes creating runs at once on a new database get distinct numbers", async (t) => {
    const path = backend.location(t);
    const perProcess = 40;
    // Both children wait for the same moment, so that they open (and migrate) the new file together.
    const start = Date.now() + 400;
    const body = `
    while (Date.now() < ${start});
    const store = openStore(db);
    for (let i = 0; i < ${perProcess}; i++) {
      const run = store.createRun(RUN);
      const job = store.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: "j", name: "j" });
      for (let n = 0; n < 50; n++) store.appendLog({ jobRowId: job.id, stepIndex: null, stream: "stdout", text: "line " + n });
      store.finishJob(job.id, "success");
      store.finishRun(run.id, { conclusion: "success" });
    }
    store.close();`;
    const exits = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<number | null>((resolve, reject) => {
            const child = spawn(process.execPath, ["--input-type=module", "-e", childScript(path, body)], { stdio: ["ignore", "ignore", "inherit"] });
            child.on("error", reject);
            child.on("exit", (code) => resolve(code));
          }),
      ),
    );
    assert.deepEqual(exits, [0, 0]);
    const store = open(t, path);
    const runs = store.listRuns({ limit: 1000 });
    assert.deepEqual(
      runs.map((r) => r.number).sort((x, y) => x - y),
      Array.from({ length: 2 * perProcess }, (_, i) => i + 1),
    );
    for (const run of runs) {
      const [job] = store.jobsOf(run.id);
      assert.ok(job !== undefined);
      assert.equal(store.logsOf(job.id).length, 50);
    }
  });

  test("log lines are buffered until the batch is full, the interval passes, flush, another write or close", async (t) => {
    const path = backend.location(t);
    const writer = openStore(path, { logBatchLines: 3, logFlushMs: 30 });
    const reader = open(t, path);
    const run = writer.createRun(RUN);
    const job = writer.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: "j", name: "j" });
    const stored = () => reader.logsOf(job.id).map((l) => l.text);
    const append = (text: string) => writer.appendLog({ jobRowId: job.id, stepIndex: null, stream: "stdout", text });

    append("1");
    append("2");
    assert.deepEqual(stored(), []);
    append("3");
    assert.deepEqual(stored(), ["1", "2", "3"], "a full batch is written");

    append("4");
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.deepEqual(stored(), ["1", "2", "3", "4"], "the interval writes a partial batch");

    append("5");
    writer.flush();
    assert.deepEqual(stored().slice(4), ["5"]);

    append("6");
    writer.addStep({ jobRowId: job.id, index: 0, name: "s" });
    assert.deepEqual(stored().slice(5), ["6"], "a record is never stored ahead of a line appended before it");

    append("7");
    writer.close();
    assert.deepEqual(stored().slice(6), ["7"]);
    assert.throws(
      () => append("8"),
      (err: unknown) => err instanceof StoreError && err.kind === "closed",
    );
  });

  test("a timed write that fails is reported by the next call, and its lines are written by a later one", async (t) => {
    const path = backend.location(t);
    const store = open(t, path, { logFlushMs: 10, busyTimeoutMs: 20 });
    const run = store.createRun(RUN);
    const job = store.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: "j", name: "j" });
    const release = backend.lockWrites(path);
    store.appendLog({ jobRowId: job.id, stepIndex: null, stream: "stdout", text: "while locked" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    assert.throws(() => store.appendLog({ jobRowId: job.id, stepIndex: null, stream: "stdout", text: "after" }), /locked|busy|lock timeout/i);
    store.flush();
    assert.deepEqual(
      store.logsOf(job.id).map((l) => l.text),
      ["while locked"],
    );
  });

  test("getRun takes a number, an id or a unique id prefix", (t) => {
    const store = open(t, backend.location(t));
    // Same millisecond: the ids share their first 10 characters and differ after.
    const first = store.createRun({ ...RUN, startedAt: 1_700_000_000_000 });
    const second = store.createRun({ ...RUN, startedAt: 1_700_000_000_000 });
    const other = store.createRun({ ...RUN, repoRoot: "/other", startedAt: 1_800_000_000_000 });

    assert.equal(store.getRun(2)?.id, second.id);
    assert.equal(store.getRun("2")?.id, second.id);
    assert.equal(store.getRun(first.id)?.id, first.id);
    assert.equal(store.getRun(first.id.toUpperCase())?.id, first.id);
    assert.equal(store.getRun(other.id.slice(0, 3))?.id, other.id);
    const common = first.id.slice(0, 10);
    assert.equal(second.id.slice(0, 10), common);
    const differ = [...first.id].findIndex((c, i) => c !== second.id[i]) + 1;
    assert.equal(store.getRun(first.id.slice(0, differ))?.id, first.id);
    assert.equal(store.getRun(second.id.slice(0, differ))?.id, second.id);
    assert.throws(
      () => store.getRun(common),
      (err: unknown) => err instanceof StoreError && err.kind === "ambiguous-run" && err.message.includes("give more of the id"),
    );

    assert.throws(
      () => store.getRun(1),
      (err: unknown) => err instanceof StoreError && err.kind === "ambiguous-run",
      "number 1 exists in both repositories",
    );
    assert.equal(store.getRun(1, "/other")?.id, other.id);
    assert.equal(store.getRun(1, "/repo")?.id, first.id);
    assert.equal(store.getRun(2, "/other"), undefined);
    assert.equal(store.getRun(9), undefined);
    assert.equal(store.getRun("0", "/other")?.id, other.id, "digits that are no run's number are an id prefix");
    assert.equal(store.getRun("not-an-id"), undefined);
    assert.equal(store.getRun(""), undefined);
  });

  test("listRuns is newest first, limited, optionally for one repository", (t) => {
    const store = open(t, backend.location(t));
    const a1 = store.createRun({ ...RUN, startedAt: 1_000 });
    const b1 = store.createRun({ ...RUN, repoRoot: "/b", startedAt: 2_000 });
    const a2 = store.createRun({ ...RUN, startedAt: 3_000 });
    assert.deepEqual(
      store.listRuns({ limit: 10 }).map((r) => r.id),
      [a2.id, b1.id, a1.id],
    );
    assert.deepEqual(
      store.listRuns({ limit: 1 }).map((r) => r.id),
      [a2.id],
    );
    assert.deepEqual(
      store.listRuns({ limit: 10, repoRoot: "/repo" }).map((r) => r.id),
      [a2.id, a1.id],
    );
  });

  test("writes to rows that do not exist fail at once", (t) => {
    const store = open(t, backend.location(t));
    const notFound = (err: unknown) => err instanceof StoreError && err.kind === "not-found";
    assert.throws(() => store.finishRun("nope", { conclusion: "success" }), notFound);
    assert.throws(() => store.startJob(42), notFound);
    assert.throws(() => store.finishJob(42, "failure"), notFound);
    assert.throws(() => store.startStep(42), notFound);
    assert.throws(() => store.finishStep(42, { outcome: "success", conclusion: "success" }), notFound);
    assert.throws(() => store.appendLog({ jobRowId: 42, stepIndex: null, stream: "stdout", text: "x" }), notFound);
    assert.throws(() => store.addJob({ runId: "nope", tier: "t", workflow: "w", jobId: "j", name: "j" }), /foreign key/i);
    const run = store.createRun(RUN);
    const job = store.addJob({ runId: run.id, tier: "t", workflow: "w", jobId: "j", name: "j" });
    store.addStep({ jobRowId: job.id, index: 0, name: "s" });
    assert.throws(() => store.addStep({ jobRowId: job.id, index: 0, name: "again" }), /unique|duplicate key/i);
    store.appendLog({ jobRowId: job.id, stepIndex: 0, stream: "stdout", text: "still fine" });
    store.flush();
    assert.equal(store.logsOf(job.id).length, 1);
  });

  test("a process killed mid-run: the lines it flushed survive, and its run is closed as cancelled", (t) => {
    const path = backend.location(t);
    const child = runChild(
      path,
      `
    const store = openStore(db, { logFlushMs: 60000, logBatchLines: 100000 });
    const run = store.createRun({ ...RUN, startedAt: 1000 });
    const job = store.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: "build", name: "build", startedAt: 1000 });
    const done = store.addStep({ jobRowId: job.id, index: 0, name: "setup", startedAt: 1000 });
    store.finishStep(done.id, { outcome: "success", conclusion: "success", finishedAt: 1500 });
    store.addStep({ jobRowId: job.id, index: 1, name: "make", startedAt: 2000 });
    store.addStep({ jobRowId: job.id, index: 2, name: "test" });
    for (let i = 0; i < 1000; i++) store.appendLog({ jobRowId: job.id, stepIndex: 1, stream: "stdout", text: "flushed " + i, ts: 2000 + i });
    store.flush();
    for (let i = 0; i < 10; i++) store.appendLog({ jobRowId: job.id, stepIndex: 1, stream: "stdout", text: "buffered " + i, ts: 5000 });
    process.stdout.write(run.id);
    process.kill(process.pid, "SIGKILL");`,
    );
    assert.equal(child.signal, "SIGKILL", child.stderr);
    const runId = child.stdout;

    const store = open(t, path);
    const [job] = store.jobsOf(runId);
    assert.ok(job !== undefined);
    const lines = store.logsOf(job.id).map((l) => l.text);
    assert.equal(lines.length, 1000, "everything flushed before the kill, and nothing after it");
    assert.equal(lines[999], "flushed 999");

    const run = store.getRun(runId);
    assert.equal(run?.status, "completed");
    assert.equal(run.conclusion, "cancelled");
    assert.equal(run.finishedAt, 2999, "finished at its last recorded activity");
    assert.match(run.note ?? "", /^interrupted: tierci process \d+ on .+ ended before the run finished$/);
    assert.deepEqual(
      store.jobsOf(runId).map((j) => [j.status, j.conclusion, j.finishedAt]),
      [["completed", "cancelled", 2999]],
    );
    assert.deepEqual(
      store.stepsOf(job.id).map((s) => [s.status, s.outcome, s.conclusion, s.finishedAt]),
      [
        ["completed", "success", "success", 1500],
        ["completed", "cancelled", "cancelled", 2999],
        ["completed", "cancelled", "cancelled", 2999],
      ],
    );
  });

  test("a process that exits without flushing still writes its buffered lines", (t) => {
    const path = backend.location(t);
    const child = runChild(
      path,
      `
    const store = openStore(db, { logFlushMs: 60000, logBatchLines: 100000 });
    const run = store.createRun(RUN);
    const job = store.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: "build", name: "build" });
    for (let i = 0; i < 10; i++) store.appendLog({ jobRowId: job.id, stepIndex: null, stream: "stderr", text: "line " + i });
    process.stdout.write(run.id);
    process.exit(3);`,
    );
    assert.equal(child.status, 3, child.stderr);
    const store = open(t, path);
    const [job] = store.jobsOf(child.stdout);
    assert.ok(job !== undefined);
    assert.equal(store.logsOf(job.id).length, 10);
    assert.equal(store.getRun(child.stdout)?.conclusion, "cancelled");
  });

  test("a run whose process is still alive is left in progress", (t) => {
    const path = backend.location(t);
    const live = open(t, path);
    const run = live.createRun(RUN);
    const other = open(t, path);
    assert.equal(other.getRun(run.id)?.status, "in_progress");
    assert.equal(other.getRun(run.id)?.note, null);
  });
});
