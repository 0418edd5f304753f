import { test } from "node:test";
import assert from "node:assert/strict";
import type { TestHistoryRow } from "../../store/types.js";
import type { TestStatus } from "../../formats/report-types.js";
import { analyzeHealth, filterHistory, percentile, type TestHealth } from "./health.js";

interface RowOptions {
  durationMs?: number;
  retries?: TestStatus[];
  jobId?: string;
  jobName?: string;
  matrix?: Record<string, unknown> | null;
  suite?: string;
  classname?: string | null;
  jobAttempt?: number;
  message?: string;
  tree?: string | null;
  inputKey?: string | null;
}

/** One result of test `name` in run number `run`, on commit `sha`. */
function row(run: number, sha: string, name: string, status: TestStatus, o: RowOptions = {}): TestHistoryRow {
  return {
    runId: `0000${String(run).padStart(4, "0")}`,
    runNumber: run,
    sha: sha.repeat(40).slice(0, 40),
    ref: "refs/heads/main",
    runStartedAt: run * 1_000,
    jobRowId: run * 10 + (o.jobAttempt ?? 1),
    workflow: "ci.yml",
    jobId: o.jobId ?? "unit",
    jobName: o.jobName ?? o.jobId ?? "unit",
    matrix: o.matrix ?? null,
    jobAttempt: o.jobAttempt ?? 1,
    tree: o.tree ?? null,
    inputKey: o.inputKey ?? null,
    suite: o.suite ?? "tests",
    classname: o.classname === undefined ? "tests.test_app" : o.classname,
    name,
    file: null,
    line: null,
    status,
    durationMs: o.durationMs ?? 10,
    message: o.message ?? (status === "failed" ? `${name} failed` : null),
    attempts: 1 + (o.retries?.length ?? 0),
    retryStatuses: o.retries ?? [],
  };
}

function find(tests: TestHealth[], name: string, job = "unit"): TestHealth {
  const found = tests.find((t) => t.name === name && t.job === job);
  assert.ok(found, `no test ${name} in ${job}`);
  return found;
}

test("a test that failed and passed on the same commit is flaky; one fixed by a new commit is not", () => {
  const report = analyzeHealth([
    row(1, "a", "test_network", "passed"),
    row(1, "a", "test_fixed", "failed"),
    row(2, "a", "test_network", "failed"),
    row(2, "b", "test_fixed", "passed"),
    row(3, "b", "test_network", "passed"),
    row(3, "b", "test_fixed", "passed"),
  ]);
  const flaky = find(report.tests, "test_network");
  assert.equal(flaky.flaky, true);
  assert.equal(flaky.flaky_events, 1);
  assert.deepEqual(flaky.last_flaky, { reason: "same-sha", run: 2, sha: "a".repeat(40), tree: null });
  assert.equal(flaky.passes_since_flaky, 1);
  assert.equal(flaky.failure_rate, 1 / 3);
  const fixed = find(report.tests, "test_fixed");
  assert.equal(fixed.flaky, false);
  assert.equal(fixed.last_flaky, null);
  assert.deepEqual(
    report.flaky.map((t) => t.name),
    ["test_network"],
  );
});

test("a rerun of a job on the same commit counts: a pass then a failure there is flaky", () => {
  const report = analyzeHealth([row(1, "a", "test_db", "failed"), row(1, "a", "test_db", "passed", { jobAttempt: 2 })]);
  const t = find(report.tests, "test_db");
  assert.equal(t.flaky, true);
  assert.equal(t.last_flaky?.reason, "same-sha");
  assert.equal(t.runs, 1);
  assert.equal(t.last_status, "passed");
});

test("passing on a retry inside one run is flaky; failing every attempt is not", () => {
  const report = analyzeHealth([
    row(1, "a", "test_retry", "passed", { retries: ["failed"] }),
    row(1, "a", "test_broken", "failed", { retries: ["failed", "error"] }),
    row(1, "a", "test_clean", "passed"),
  ]);
  assert.deepEqual(find(report.tests, "test_retry").last_flaky, { reason: "retry", run: 1, sha: "a".repeat(40), tree: null });
  assert.equal(find(report.tests, "test_retry").flaky, true);
  assert.equal(find(report.tests, "test_broken").flaky, false);
  assert.equal(find(report.tests, "test_clean").flaky, false);
});

test("a flaky test stays flagged until N clean passes in a row; a failure or a retried pass starts the count again", () => {
  const history = [
    row(1, "a", "t", "passed", { retries: ["failed"] }),
    row(2, "b", "t", "passed"),
    row(3, "c", "t", "failed"),
    row(4, "d", "t", "passed"),
    row(5, "e", "t", "skipped"),
    row(6, "f", "t", "passed"),
  ];
  const at = (upTo: number) => find(analyzeHealth(history.slice(0, upTo), { flakyClearAfter: 3 }).tests, "t");
  assert.deepEqual([at(2).flaky, at(2).passes_since_flaky], [true, 1]);
  assert.deepEqual([at(3).flaky, at(3).passes_since_flaky], [true, 0]);
  assert.deepEqual([at(6).flaky, at(6).passes_since_flaky], [true, 2]);
  const cleared = find(analyzeHealth([...history, row(7, "g", "t", "passed")], { flakyClearAfter: 3 }).tests, "t");
  assert.deepEqual([cleared.flaky, cleared.passes_since_flaky, cleared.flaky_events], [false, 3, 1]);
  const retriedAgain = find(analyzeHealth([...history, row(7, "g", "t", "passed", { retries: ["error"] })], { flakyClearAfter: 3 }).tests, "t");
  assert.deepEqual([retriedAgain.flaky, retriedAgain.passes_since_flaky, retriedAgain.flaky_events], [true, 0, 2]);
  // The default needs ten.
  assert.equal(find(analyzeHealth([...history, row(7, "g", "t", "passed")]).tests, "t").flaky, true);
});

test("more passes on the commit that showed flakiness count toward clearing it", () => {
  const history = [row(1, "a", "t", "failed"), row(2, "a", "t", "passed"), row(3, "a", "t", "passed"), row(4, "a", "t", "passed")];
  const t = find(analyzeHealth(history, { flakyClearAfter: 2 }).tests, "t");
  assert.deepEqual([t.flaky, t.flaky_events, t.passes_since_flaky], [false, 1, 2]);
});

test("matrix instances are separate tests: failing on one version and passing on another is not flaky", () => {
  const report = analyzeHealth([
    row(1, "a", "test_types", "failed", { jobName: "unit (3.10)", matrix: { python: "3.10" } }),
    row(1, "a", "test_types", "passed", { jobName: "unit (3.11)", matrix: { python: "3.11" } }),
  ]);
  assert.equal(report.tests.length, 2);
  assert.deepEqual(
    report.tests.map((t) => [t.job, t.flaky, t.failure_rate]),
    [
      ["unit (3.10)", false, 1],
      ["unit (3.11)", false, 0],
    ],
  );
  assert.deepEqual(
    report.jobs.map((j) => [j.job, j.matrix, j.tests, j.failed]),
    [
      ["unit (3.10)", { python: "3.10" }, 1, 1],
      ["unit (3.11)", { python: "3.11" }, 1, 0],
    ],
  );
});

test("percentiles are nearest-rank: values some result actually took", () => {
  const values = Array.from({ length: 20 }, (_, i) => 20 - i);
  assert.equal(percentile(values, 50), 10);
  assert.equal(percentile(values, 95), 19);
  assert.equal(percentile([7], 95), 7);
  assert.equal(percentile([], 50), null);
  assert.equal(percentile([1, 2, 3, 4], 50), 2);

  const report = analyzeHealth(values.map((d, i) => row(i + 1, String(i % 10), "t", "passed", { durationMs: d })));
  const t = find(report.tests, "t");
  assert.deepEqual([t.duration_p50_ms, t.duration_p95_ms], [10, 19]);
  const skippedDontCount = analyzeHealth([row(1, "a", "t", "skipped", { durationMs: 0 }), row(2, "a", "t", "passed", { durationMs: 8 })]);
  assert.deepEqual([find(skippedDontCount.tests, "t").duration_p50_ms, find(skippedDontCount.tests, "t").skipped], [8, 1]);
});

test("the duration trend compares the median of the last N runs with the N before them", () => {
  const durations = [999, 100, 100, 100, 100, 100, 150, 150, 150, 150, 150];
  const rows = durations.map((d, i) => row(i + 1, String(i % 10), "t", "passed", { durationMs: d }));
  // The first run is in neither window.
  assert.equal(find(analyzeHealth(rows).tests, "t").duration_trend_pct, 50);
  assert.equal(find(analyzeHealth(rows, { trendRuns: 3 }).tests, "t").duration_trend_pct, 0);
  // Three runs: the latest against the one before.
  assert.equal(find(analyzeHealth(rows.slice(4, 7)).tests, "t").duration_trend_pct, 50);
  assert.equal(find(analyzeHealth(rows.slice(0, 1)).tests, "t").duration_trend_pct, null);
  const faster = [row(1, "a", "t", "passed", { durationMs: 200 }), row(2, "a", "t", "passed", { durationMs: 50 })];
  assert.equal(find(analyzeHealth(faster).tests, "t").duration_trend_pct, -75);
  const fromZero = [row(1, "a", "t", "passed", { durationMs: 0 }), row(2, "a", "t", "passed", { durationMs: 5 })];
  assert.equal(find(analyzeHealth(fromZero).tests, "t").duration_trend_pct, null);
});

test("newly failing: failed in the latest run after passing in the last run that ran it", () => {
  const report = analyzeHealth([
    row(1, "a", "regressed", "passed"),
    row(1, "a", "always_failing", "failed"),
    row(1, "a", "was_skipped", "passed"),
    row(1, "a", "left_out", "passed"),
    row(2, "b", "regressed", "passed"),
    row(2, "b", "always_failing", "failed"),
    row(2, "b", "was_skipped", "skipped"),
    row(2, "b", "left_out", "failed"),
    row(3, "c", "regressed", "failed", { message: "AssertionError: 1 != 2" }),
    row(3, "c", "always_failing", "error"),
    row(3, "c", "was_skipped", "failed"),
    row(3, "c", "brand_new", "failed"),
  ]);
  assert.deepEqual(
    report.newly_failing.map((t) => t.name),
    ["regressed", "was_skipped"],
  );
  const regressed = find(report.tests, "regressed");
  assert.deepEqual([regressed.last_status, regressed.last_run, regressed.last_message], ["failed", 3, "AssertionError: 1 != 2"]);
  assert.equal(find(report.tests, "left_out").newly_failing, false);
  assert.deepEqual(report.latest_run, { number: 3, sha: "c".repeat(40), ref: "refs/heads/main", started_at: new Date(3_000).toISOString() });
  assert.equal(report.first_run?.number, 1);
  assert.equal(report.runs, 3);
});

test("slowest tests, suites and jobs are aggregated and ordered", () => {
  const history = [
    row(1, "a", "fast", "passed", { durationMs: 1, suite: "unit" }),
    row(1, "a", "slow", "passed", { durationMs: 900, suite: "unit" }),
    row(1, "a", "medium", "failed", { durationMs: 50, suite: "api", jobId: "integration" }),
    row(1, "a", "flaky", "passed", { durationMs: 40, suite: "api", jobId: "integration", retries: ["failed"] }),
    row(2, "b", "fast", "passed", { durationMs: 3, suite: "unit" }),
    row(2, "b", "slow", "passed", { durationMs: 1_100, suite: "unit" }),
    row(2, "b", "medium", "passed", { durationMs: 60, suite: "api", jobId: "integration" }),
    row(2, "b", "never", "skipped", { durationMs: 0, suite: "api", jobId: "integration" }),
  ];
  const report = analyzeHealth(history, { slowest: 2 });
  assert.deepEqual(
    report.slowest.map((t) => [t.name, t.duration_p50_ms]),
    [
      ["slow", 900],
      ["medium", 50],
    ],
  );
  assert.deepEqual(report.suites, [
    { suite: "api", tests: 3, runs: 2, passed: 2, failed: 1, skipped: 1, failure_rate: 1 / 3, flaky: 1, duration_p50_ms: 60 },
    { suite: "unit", tests: 2, runs: 2, passed: 4, failed: 0, skipped: 0, failure_rate: 0, flaky: 0, duration_p50_ms: 901 },
  ]);
  assert.deepEqual(
    report.jobs.map((j) => [j.job_id, j.tests, j.runs, j.flaky]),
    [
      ["integration", 3, 2, 1],
      ["unit", 2, 2, 0],
    ],
  );
  assert.deepEqual(
    report.tests.map((t) => t.name),
    ["flaky", "medium", "never", "fast", "slow"],
  );
  assert.equal(find(report.tests, "never", "integration").duration_p50_ms, null);
});

test("the report does not depend on the order the runs come in", () => {
  const history = [
    row(1, "a", "x", "passed", { durationMs: 5 }),
    row(1, "a", "y", "failed"),
    row(2, "a", "x", "failed", { durationMs: 7 }),
    row(2, "a", "y", "passed"),
    row(3, "b", "x", "passed", { durationMs: 9 }),
  ];
  assert.deepEqual(analyzeHealth([...history].reverse()), analyzeHealth(history));
  assert.deepEqual(analyzeHealth([]), {
    runs: 0,
    first_run: null,
    latest_run: null,
    flaky_clear_after: 10,
    trend_runs: 5,
    flaky: [],
    newly_failing: [],
    consistently_failing: [],
    slowest: [],
    suites: [],
    jobs: [],
    tests: [],
  });
});

test("the history can be narrowed to a job (by id or name) and a suite", () => {
  const history = [
    row(1, "a", "t1", "passed", { jobId: "unit", jobName: "Unit tests", suite: "s1" }),
    row(1, "a", "t2", "passed", { jobId: "unit", jobName: "Unit tests", suite: "s2" }),
    row(1, "a", "t3", "passed", { jobId: "lint", suite: "s1" }),
  ];
  assert.deepEqual(
    filterHistory(history, { job: "UNIT" }).map((r) => r.name),
    ["t1", "t2"],
  );
  assert.deepEqual(
    filterHistory(history, { job: "unit tests", suite: "s2" }).map((r) => r.name),
    ["t2"],
  );
  assert.deepEqual(
    filterHistory(history, { suite: "s1" }).map((r) => r.name),
    ["t1", "t3"],
  );
  assert.deepEqual(filterHistory(history, {}).length, 3);
});

test("a test is consistently failing only when every run that ran it failed, at least two", () => {
  const history = [
    row(1, "a", "always", "failed"),
    row(2, "a", "always", "error"),
    row(3, "b", "always", "skipped"),
    row(3, "b", "always", "failed"),
    // A pass on a job's rerun in one run breaks the streak.
    row(1, "a", "rerun", "failed"),
    row(2, "a", "rerun", "failed"),
    row(2, "a", "rerun", "passed", { jobAttempt: 2 }),
    row(3, "b", "rerun", "failed"),
    row(3, "b", "once", "failed"),
  ];
  const report = analyzeHealth(history);
  assert.deepEqual(
    report.consistently_failing.map((t) => [t.name, t.failing_streak?.runs, t.failing_streak?.since.number]),
    [["always", 3, 1]],
  );
  const byName = new Map(report.tests.map((t) => [t.name, t.failing_streak]));
  assert.deepEqual([byName.get("rerun")?.runs, byName.get("once")?.runs], [1, 1]);
  assert.equal(analyzeHealth([row(1, "a", "ok", "failed"), row(2, "a", "ok", "passed")]).tests[0]?.failing_streak, null);
});

test("a failure fixed without committing is a fix: same commit, another tree", () => {
  const rows = [row(1, "a", "test_fix", "failed", { tree: "t1", inputKey: "k1" }), row(2, "a", "test_fix", "passed", { tree: "t2", inputKey: "k2" })];
  const t = find(analyzeHealth(rows).tests, "test_fix");
  assert.equal(t.flaky, false);
  assert.equal(t.last_flaky, null);
});

test("passing, failing and passing again on one unchanged tree is flaky, named by its tree", () => {
  const rows = ["passed", "failed", "passed"].map((s, i) => row(i + 1, "a", "test_net", s as TestStatus, { tree: "t1", inputKey: "k1" }));
  const t = find(analyzeHealth(rows).tests, "test_net");
  assert.equal(t.flaky, true);
  assert.deepEqual(t.last_flaky, { reason: "same-tree", run: 2, sha: "a".repeat(40), tree: "t1" });
});

test("one tree under other job inputs (an env value, a tool version) is not the same test run", () => {
  const rows = [row(1, "a", "test_env", "passed", { tree: "t1", inputKey: "k1" }), row(2, "a", "test_env", "failed", { tree: "t1", inputKey: "k2" })];
  assert.equal(find(analyzeHealth(rows).tests, "test_env").flaky, false);
});
