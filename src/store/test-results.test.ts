import { test, type TestContext } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import type { CoverageReport, TestCaseResult } from "../formats/report-types.js";
import { forEachBackend } from "../../test/support/store-backends.js";
import { openStore, StoreError, type NewRun, type RunStore } from "./index.js";
import { SCHEMA_VERSION } from "./schema.js";

const RUN: NewRun = { repoRoot: "/repo", event: "push", ref: "refs/heads/main", sha: "a".repeat(40), actor: "dev" };

function tempDbPath(t: TestContext): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "tierci-store-")));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "tierci.db");
}

function open(t: TestContext, path: string): RunStore {
  const store = openStore(path);
  t.after(() => store.close());
  return store;
}

const RESULTS: TestCaseResult[] = [
  { suite: "tests/test_math.py", classname: "tests.test_math", name: "test_add", file: "tests/test_math.py", line: 3, status: "passed", durationMs: 1.5 },
  {
    suite: "tests/test_math.py",
    classname: "tests.test_math",
    name: "test_div",
    status: "passed",
    durationMs: 20,
    retries: [
      { status: "failed", message: "ZeroDivisionError", durationMs: 18 },
      { status: "error", durationMs: 2 },
    ],
  },
  { suite: "lint", name: "style", status: "failed", durationMs: 0, message: "E501 line too long", details: "a long trace" },
  { suite: "lint", name: "slow", status: "skipped", durationMs: 0, message: "needs network" },
  { suite: "lint", name: "boom", status: "error", durationMs: 4 },
];

const REPORT: CoverageReport = {
  format: "cobertura",
  files: [
    {
      path: "src/app.py",
      linesValid: 6,
      linesCovered: 4,
      lines: new Map([
        [1, 3],
        [2, 1],
        [3, 0],
        [4, 12],
        [5, 1],
        [9, 0],
      ]),
      branchesValid: 4,
      branchesCovered: 3,
    },
    {
      path: "src/util.py",
      linesValid: 2,
      linesCovered: 0,
      lines: new Map([
        [1, 0],
        [2, 0],
      ]),
    },
  ],
};

test("a database written by the first schema upgrades in place and keeps its runs", (t) => {
  const path = tempDbPath(t);
  const raw = new Database(path);
  raw.exec(readFileSync(resolve("src/store/testdata/schema-v1.sql"), "utf8"));
  raw.close();

  const store = open(t, path);
  const run = store.getRun(1, "/repo");
  assert.equal(run?.conclusion, "success");
  assert.deepEqual(run?.summary, { run_id: run?.id, status: "success" });
  const [job] = store.jobsOf(run?.id ?? "");
  assert.equal(job?.name, "unit (3.11)");
  assert.deepEqual(
    store.logsOf(job?.id ?? 0).map((l) => l.text),
    ["12 passed"],
  );
  assert.equal(store.annotationsOf(run?.id ?? "")[0]?.file, "tests/test_a.py");

  store.addTestResults(job?.id ?? 0, RESULTS.slice(0, 1));
  store.addCoverage(job?.id ?? 0, REPORT);
  assert.deepEqual(store.testTotals(run?.id ?? ""), { passed: 1, failed: 0, skipped: 0 });
  assert.equal(store.coverageOf(run?.id ?? "").length, 2);
  const check = new Database(path, { readonly: true });
  t.after(() => check.close());
  assert.deepEqual(
    check.prepare("SELECT version FROM schema_version ORDER BY version").pluck().all(),
    Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1),
  );
});

forEachBackend((backend) => {
  test("test results read back as history rows joined with their run and job", (t) => {
    const path = backend.location(t);
    const writer = openStore(path);
    const run = writer.createRun({ ...RUN, ref: "refs/heads/feature", sha: "b".repeat(40), startedAt: 5_000 });
    const job = writer.addJob({ runId: run.id, tier: "core", workflow: "ci.yml", jobId: "unit", name: "unit (3.11)", matrix: { python: "3.11" } });
    writer.addTestResults(job.id, RESULTS);
    writer.close();

    const rows = open(t, path).testHistory({ repoRoot: "/repo" });
    assert.equal(rows.length, RESULTS.length);
    assert.deepEqual(rows[0], {
      runId: run.id,
      runNumber: 1,
      sha: "b".repeat(40),
      ref: "refs/heads/feature",
      runStartedAt: 5_000,
      jobRowId: job.id,
      workflow: "ci.yml",
      jobId: "unit",
      jobName: "unit (3.11)",
      matrix: { python: "3.11" },
      jobAttempt: 1,
      tree: null,
      inputKey: null,
      suite: "tests/test_math.py",
      classname: "tests.test_math",
      name: "test_add",
      file: "tests/test_math.py",
      line: 3,
      status: "passed",
      durationMs: 1.5,
      message: null,
      attempts: 1,
      retryStatuses: [],
    });
    const div = rows[1];
    assert.deepEqual([div?.name, div?.status, div?.attempts, div?.retryStatuses], ["test_div", "passed", 3, ["failed", "error"]]);
    assert.deepEqual(
      rows.slice(2).map((r) => [r.name, r.classname, r.status, r.message]),
      [
        ["style", null, "failed", "E501 line too long"],
        ["slow", null, "skipped", "needs network"],
        ["boom", null, "error", null],
      ],
    );
  });

  test("history is oldest run first, limited to the newest runs with tests, from a time, for one repository", (t) => {
    const store = open(t, backend.location(t));
    const runs = [1_000, 2_000, 3_000, 4_000].map((startedAt, i) => {
      const run = store.createRun({ ...RUN, sha: String(i).repeat(40), startedAt });
      const job = store.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: "unit", name: "unit" });
      // The third run recorded no tests: it must not use up the limit.
      if (i !== 2) store.addTestResults(job.id, [{ suite: "s", name: `t${i}`, status: "passed", durationMs: i }]);
      return run;
    });
    const other = store.createRun({ ...RUN, repoRoot: "/other", startedAt: 9_000 });
    store.addTestResults(store.addJob({ runId: other.id, tier: "t", workflow: "ci.yml", jobId: "unit", name: "unit" }).id, [
      { suite: "s", name: "elsewhere", status: "passed", durationMs: 1 },
    ]);

    const names = (rows: { name: string }[]) => rows.map((r) => r.name);
    assert.deepEqual(names(store.testHistory({ repoRoot: "/repo" })), ["t0", "t1", "t3"]);
    assert.deepEqual(names(store.testHistory({ repoRoot: "/repo", limit: 2 })), ["t1", "t3"]);
    assert.deepEqual(names(store.testHistory({ repoRoot: "/repo", since: 2_000 })), ["t1", "t3"]);
    assert.deepEqual(names(store.testHistory({ repoRoot: "/repo", since: 2_001, limit: 5 })), ["t3"]);
    assert.deepEqual(names(store.testHistory({ repoRoot: "/other" })), ["elsewhere"]);
    assert.deepEqual(names(store.testHistory({ repoRoot: "/none" })), []);
    assert.deepEqual(
      store.listRuns({ limit: 10, repoRoot: "/repo", recorded: "tests" }).map((r) => r.id),
      [runs[3]?.id, runs[1]?.id, runs[0]?.id],
    );
    assert.deepEqual(store.listRuns({ limit: 10, recorded: "tests" }).length, 4);
    assert.deepEqual(store.listRuns({ limit: 10, recorded: "coverage" }), []);
  });

  test("test totals count errors as failures, and a job run again replaces its earlier attempt", (t) => {
    const store = open(t, backend.location(t));
    const run = store.createRun(RUN);
    assert.deepEqual(store.testTotals(run.id), { passed: 0, failed: 0, skipped: 0 });
    const lint = store.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: "lint", name: "lint" });
    store.addTestResults(lint.id, RESULTS);
    assert.deepEqual(store.testTotals(run.id), { passed: 2, failed: 2, skipped: 1 });

    const unit = { runId: run.id, tier: "t", workflow: "ci.yml", jobId: "unit", name: "unit (3.11)", matrix: { python: "3.11" } };
    const first = store.addJob(unit);
    store.addTestResults(first.id, [{ suite: "s", name: "a", status: "failed", durationMs: 1 }]);
    const other = store.addJob({ ...unit, name: "unit (3.12)", matrix: { python: "3.12" } });
    store.addTestResults(other.id, [{ suite: "s", name: "a", status: "passed", durationMs: 1 }]);
    assert.deepEqual(store.testTotals(run.id), { passed: 3, failed: 3, skipped: 1 });
    const again = store.addJob({ ...unit, attempt: 2 });
    store.addTestResults(again.id, [{ suite: "s", name: "a", status: "passed", durationMs: 1 }]);
    assert.deepEqual(store.testTotals(run.id), { passed: 4, failed: 2, skipped: 1 });
  });

  test("coverage reads back per file with which lines ran, merged over a run's jobs", (t) => {
    const path = backend.location(t);
    const writer = openStore(path);
    const run = writer.createRun(RUN);
    const py311 = writer.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: "unit", name: "unit (3.11)" });
    const integration = writer.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: "integration", name: "integration" });
    const bare = writer.createRun(RUN);
    writer.addCoverage(py311.id, REPORT);
    writer.addCoverage(integration.id, {
      format: "lcov",
      files: [
        {
          path: "src/app.py",
          linesValid: 6,
          linesCovered: 1,
          lines: new Map([
            [1, 0],
            [2, 0],
            [3, 0],
            [4, 0],
            [5, 0],
            [9, 7],
          ]),
        },
        { path: "src/new.py", linesValid: 1, linesCovered: 1, lines: new Map([[1, 1]]) },
      ],
    });
    writer.close();
    const store = open(t, path);

    const own = store.coverageOf(run.id, py311.id);
    assert.deepEqual(own, [
      {
        path: "src/app.py",
        linesValid: 6,
        linesCovered: 4,
        lines: new Map([
          [1, 1],
          [2, 1],
          [3, 0],
          [4, 1],
          [5, 1],
          [9, 0],
        ]),
        branchesValid: 4,
        branchesCovered: 3,
      },
      {
        path: "src/util.py",
        linesValid: 2,
        linesCovered: 0,
        lines: new Map([
          [1, 0],
          [2, 0],
        ]),
      },
    ]);
    const merged = store.coverageOf(run.id);
    assert.deepEqual(
      merged.map((f) => [f.path, f.linesValid, f.linesCovered, [...f.lines].filter(([, hits]) => hits === 0).map(([n]) => n)]),
      [
        ["src/app.py", 6, 5, [3]],
        ["src/new.py", 1, 1, []],
        ["src/util.py", 2, 0, [1, 2]],
      ],
    );
    assert.equal(merged[0]?.branchesValid, 4);
    assert.deepEqual(store.coverageOf(bare.id), []);
    assert.deepEqual(store.coverageOf(run.id, integration.id + 100), []);
    assert.deepEqual(
      store.listRuns({ limit: 10, recorded: "coverage" }).map((r) => r.id),
      [run.id],
    );
  });

  test("test results and coverage for a job that does not exist fail at once, and write nothing", (t) => {
    const store = open(t, backend.location(t));
    const notFound = (err: unknown) => err instanceof StoreError && err.kind === "not-found";
    assert.throws(() => store.addTestResults(42, []), notFound);
    assert.throws(() => store.addTestResults(42, RESULTS), notFound);
    assert.throws(() => store.addCoverage(42, REPORT), notFound);
    const run = store.createRun(RUN);
    const job = store.addJob({ runId: run.id, tier: "t", workflow: "w", jobId: "j", name: "j" });
    const bad = { suite: "s", name: "bad", status: "flaky", durationMs: 1 } as unknown as TestCaseResult;
    assert.throws(() => store.addTestResults(job.id, [...RESULTS, bad]), /check/i);
    assert.deepEqual(store.testTotals(run.id), { passed: 0, failed: 0, skipped: 0 });
  });
});
