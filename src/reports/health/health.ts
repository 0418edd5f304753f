// Test health over the run history: failure rates, flaky tests, durations and their trend, tests
// that just started failing or fail in every run, per test, suite and job. Pure: the same history gives the same report.
// The report's field names are what `tierci health --json` writes, so they follow the JSON
// contracts' snake_case.
import type { TestHistoryRow } from "../../store/types.js";
import type { TestStatus } from "../../formats/report-types.js";
import { canonicalJson } from "../../util/canonical-json.js";

export interface HealthOptions {
  /** Consecutive clean passes after which a flaky test is no longer flagged. */
  flakyClearAfter?: number;
  /** Runs in each of the two windows whose median durations the trend compares. */
  trendRuns?: number;
  /** How many tests the slowest list holds. */
  slowest?: number;
}

export const HEALTH_DEFAULTS: Required<HealthOptions> = { flakyClearAfter: 10, trendRuns: 5, slowest: 10 };

/**
 * same-tree: passed and failed on one exact tree with the same job inputs; same-sha: the same on
 * one commit, for history recorded before tierci kept trees; retry: passed only after failing in
 * the same run.
 */
export type FlakyReason = "same-tree" | "same-sha" | "retry";

export interface RunRef {
  number: number;
  sha: string;
  ref: string;
  started_at: string;
}

export interface JobIdentity {
  workflow: string;
  job_id: string;
  /** The display name the job had in its latest run. */
  job: string;
  matrix: Readonly<Record<string, unknown>> | null;
}

export interface TestHealth extends JobIdentity {
  suite: string;
  classname: string | null;
  name: string;
  file: string | null;
  /** Runs the test was recorded in, skipped or not. */
  runs: number;
  /** Counts of results, a job's reruns included; an error is a failure. */
  passed: number;
  failed: number;
  skipped: number;
  /** failed / (passed + failed); 0 for a test that never ran. */
  failure_rate: number;
  /** Flagged now: flaky at some point and not yet passed flaky_clear_after times in a row since. */
  flaky: boolean;
  flaky_events: number;
  last_flaky: { reason: FlakyReason; run: number; sha: string; tree: string | null } | null;
  /** Clean passes in a row since the last flaky event (a pass after failed retries is not clean). */
  passes_since_flaky: number;
  duration_p50_ms: number | null;
  duration_p95_ms: number | null;
  /**
   * Change of the median duration over the test's last trend_runs runs against the same number of
   * runs before them, in percent (positive: slower); with fewer than twice trend_runs runs the
   * windows share the runs there are equally. Null without two runs or with a zero median before.
   */
  duration_trend_pct: number | null;
  last_status: TestStatus;
  last_run: number;
  last_message: string | null;
  /** Failed in the history's latest run, and passed in the last run before it that ran it. */
  newly_failing: boolean;
  /**
   * The runs in a row, up to the test's last run, that it failed in, and the first of them; null when
   * its last run passed. A streak as long as the test's runs began before the window, or with it.
   */
  failing_streak: { runs: number; since: RunRef } | null;
}

export interface GroupHealth {
  tests: number;
  runs: number;
  passed: number;
  failed: number;
  skipped: number;
  failure_rate: number;
  /** Tests flagged flaky. */
  flaky: number;
  /** Median over runs of the time the group's tests took in a run. */
  duration_p50_ms: number | null;
}

export interface SuiteHealth extends GroupHealth {
  suite: string;
}

export type JobHealth = JobIdentity & GroupHealth;

export interface HealthReport {
  runs: number;
  first_run: RunRef | null;
  latest_run: RunRef | null;
  flaky_clear_after: number;
  trend_runs: number;
  /** Flagged flaky tests, the most recently flaky first. */
  flaky: TestHealth[];
  newly_failing: TestHealth[];
  /** Failed in every run of the window that ran them, at least two; the longest failing first. */
  consistently_failing: TestHealth[];
  /** By median duration, slowest first. */
  slowest: TestHealth[];
  suites: SuiteHealth[];
  jobs: JobHealth[];
  /** Every test, by job, suite, classname and name. */
  tests: TestHealth[];
}

export interface HistoryFilter {
  /** A job's id or display name, in any case. */
  job?: string;
  /** A suite's exact name. */
  suite?: string;
}

export function filterHistory(rows: readonly TestHistoryRow[], filter: HistoryFilter): TestHistoryRow[] {
  const job = filter.job?.toLowerCase();
  return rows.filter(
    (r) => (job === undefined || r.jobId.toLowerCase() === job || r.jobName.toLowerCase() === job) && (filter.suite === undefined || r.suite === filter.suite),
  );
}

/** Nearest-rank percentile: a duration that some result actually took. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

const failedStatus = (s: TestStatus): boolean => s === "failed" || s === "error";

// Key order does not change a matrix's identity.
const canonical = canonicalJson;

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function jobKey(r: TestHistoryRow): string {
  return [r.workflow, r.jobId, canonical(r.matrix)].join("\u0000");
}

// Matrix instances of a job are different tests: a failure on one Python version and a pass on
// another, on the same commit, is a real incompatibility, not flakiness.
function testKey(r: TestHistoryRow): string {
  return [jobKey(r), r.suite, r.classname ?? "", r.name].join("\u0000");
}

interface RunInfo {
  index: number;
  ref: RunRef;
}

function runIndex(rows: readonly TestHistoryRow[]): Map<string, RunInfo> {
  const runs = new Map<string, { startedAt: number; ref: RunRef }>();
  for (const r of rows) {
    if (!runs.has(r.runId))
      runs.set(r.runId, {
        startedAt: r.runStartedAt,
        ref: { number: r.runNumber, sha: r.sha, ref: r.ref, started_at: new Date(r.runStartedAt).toISOString() },
      });
  }
  // Oldest first; the id breaks ties, as it orders runs in the store.
  const ordered = [...runs].sort(([idA, a], [idB, b]) => a.startedAt - b.startedAt || compare(idA, idB));
  return new Map(ordered.map(([id, { ref }], index) => [id, { index, ref }]));
}

/** A test's results, in run order, then in the order jobs and results were recorded. */
type Occurrences = TestHistoryRow[];

/**
 * What a result is compared on: the job's inputs (its exact tree among them) where they were
 * recorded. A fix made without committing changes the tree, so failing then passing is a fix,
 * not flakiness; only history from before trees were kept falls back to the commit.
 */
function sameInputs(o: TestHistoryRow): { key: string; reason: FlakyReason } {
  if (o.inputKey !== null) return { key: `inputs:${o.inputKey}`, reason: "same-tree" };
  if (o.tree !== null) return { key: `tree:${o.tree}`, reason: "same-tree" };
  return { key: `sha:${o.sha}`, reason: "same-sha" };
}

function flakiness(occurrences: Occurrences): Pick<TestHealth, "flaky_events" | "last_flaky" | "passes_since_flaky"> {
  const outcomes = new Map<string, { passed: boolean; failed: boolean }>();
  let events = 0;
  let last: TestHealth["last_flaky"] = null;
  let passes = 0;
  for (const o of occurrences) {
    if (o.status === "skipped") continue;
    const failed = failedStatus(o.status);
    const same = sameInputs(o);
    const seen = outcomes.get(same.key) ?? { passed: false, failed: false };
    const mixedBefore = seen.passed && seen.failed;
    if (failed) seen.failed = true;
    else seen.passed = true;
    outcomes.set(same.key, seen);
    let reason: FlakyReason | undefined;
    if (!failed && o.retryStatuses.some(failedStatus)) reason = "retry";
    else if (!mixedBefore && seen.passed && seen.failed) reason = same.reason;
    if (reason !== undefined) {
      events++;
      last = { reason, run: o.runNumber, sha: o.sha, tree: o.tree };
      passes = 0;
    } else {
      passes = failed ? 0 : passes + 1;
    }
  }
  return { flaky_events: events, last_flaky: last, passes_since_flaky: last === null ? 0 : passes };
}

/** Per run the test ran in (skips aside), in run order: its durations and the outcome of its last result. */
interface TestRun {
  runId: string;
  ref: RunRef;
  durations: number[];
  failed: boolean;
}

function perRun(occurrences: Occurrences): TestRun[] {
  const result: TestRun[] = [];
  for (const o of occurrences) {
    if (o.status === "skipped") continue;
    let current = result.at(-1);
    if (current?.runId !== o.runId) {
      current = {
        runId: o.runId,
        ref: { number: o.runNumber, sha: o.sha, ref: o.ref, started_at: new Date(o.runStartedAt).toISOString() },
        durations: [],
        failed: false,
      };
      result.push(current);
    }
    current.durations.push(o.durationMs);
    current.failed = failedStatus(o.status);
  }
  return result;
}

function trend(runs: { durations: number[] }[], window: number): number | null {
  const size = Math.min(window, Math.floor(runs.length / 2));
  if (size === 0) return null;
  const recent = percentile(
    runs.slice(-size).flatMap((r) => r.durations),
    50,
  );
  const before = percentile(
    runs.slice(-2 * size, -size).flatMap((r) => r.durations),
    50,
  );
  if (recent === null || before === null || before === 0) return null;
  return Math.round(((recent - before) / before) * 1000) / 10;
}

function failingStreak(runs: readonly TestRun[]): TestHealth["failing_streak"] {
  let first = runs.length;
  while (first > 0 && runs[first - 1]?.failed === true) first--;
  const since = runs[first];
  return since === undefined ? null : { runs: runs.length - first, since: since.ref };
}

const rate = (failed: number, passed: number): number => (failed + passed === 0 ? 0 : failed / (failed + passed));

function testHealth(occurrences: Occurrences, latestRunId: string | undefined, options: Required<HealthOptions>): TestHealth {
  const first = occurrences[0];
  const last = occurrences.at(-1);
  if (first === undefined || last === undefined) throw new Error("a test without results");
  const executed = occurrences.filter((o) => o.status !== "skipped");
  const passed = executed.filter((o) => !failedStatus(o.status)).length;
  const failed = executed.length - passed;
  const durations = executed.map((o) => o.durationMs);
  const byRun = perRun(occurrences);
  const [previous, latest] = byRun.slice(-2);
  const flaky = flakiness(occurrences);
  return {
    workflow: last.workflow,
    job_id: last.jobId,
    job: last.jobName,
    matrix: last.matrix,
    suite: last.suite,
    classname: last.classname,
    name: last.name,
    file: last.file,
    runs: new Set(occurrences.map((o) => o.runId)).size,
    passed,
    failed,
    skipped: occurrences.length - executed.length,
    failure_rate: rate(failed, passed),
    flaky: flaky.last_flaky !== null && flaky.passes_since_flaky < options.flakyClearAfter,
    ...flaky,
    duration_p50_ms: percentile(durations, 50),
    duration_p95_ms: percentile(durations, 95),
    duration_trend_pct: trend(byRun, options.trendRuns),
    last_status: last.status,
    last_run: last.runNumber,
    last_message: last.message,
    newly_failing: latest !== undefined && latest.runId === latestRunId && latest.failed && previous !== undefined && !previous.failed,
    failing_streak: failingStreak(byRun),
  };
}

function groupHealth(rows: readonly TestHistoryRow[], tests: readonly TestHealth[]): GroupHealth {
  const executed = rows.filter((r) => r.status !== "skipped");
  const passed = executed.filter((r) => !failedStatus(r.status)).length;
  const perRunTotal = new Map<string, number>();
  for (const r of executed) perRunTotal.set(r.runId, (perRunTotal.get(r.runId) ?? 0) + r.durationMs);
  return {
    tests: tests.length,
    runs: new Set(rows.map((r) => r.runId)).size,
    passed,
    failed: executed.length - passed,
    skipped: rows.length - executed.length,
    failure_rate: rate(executed.length - passed, passed),
    flaky: tests.filter((t) => t.flaky).length,
    duration_p50_ms: percentile([...perRunTotal.values()], 50),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}

const testOrder = (a: TestHealth, b: TestHealth): number =>
  compare(a.workflow, b.workflow) ||
  compare(a.job_id, b.job_id) ||
  compare(canonical(a.matrix), canonical(b.matrix)) ||
  compare(a.suite, b.suite) ||
  compare(a.classname ?? "", b.classname ?? "") ||
  compare(a.name, b.name);

export function analyzeHealth(history: readonly TestHistoryRow[], options: HealthOptions = {}): HealthReport {
  const opts: Required<HealthOptions> = {
    flakyClearAfter: options.flakyClearAfter ?? HEALTH_DEFAULTS.flakyClearAfter,
    trendRuns: options.trendRuns ?? HEALTH_DEFAULTS.trendRuns,
    slowest: options.slowest ?? HEALTH_DEFAULTS.slowest,
  };
  const runs = runIndex(history);
  const order = (r: TestHistoryRow): number => runs.get(r.runId)?.index ?? 0;
  // A stable sort keeps the store's job and result order inside a run.
  const rows = [...history].sort((a, b) => order(a) - order(b));
  const runRefs = [...runs.values()].map((r) => r.ref);
  const latestRunId = [...runs.keys()].at(-1);

  const healthByKey = new Map<string, TestHealth>();
  for (const [key, occurrences] of groupBy(rows, testKey)) healthByKey.set(key, testHealth(occurrences, latestRunId, opts));
  const tests = [...healthByKey.values()].sort(testOrder);
  const testsOf = (group: TestHistoryRow[]): TestHealth[] => [...new Set(group.map(testKey))].flatMap((k) => healthByKey.get(k) ?? []);

  const suites = [...groupBy(rows, (r) => r.suite)]
    .map(([suite, group]): SuiteHealth => ({ suite, ...groupHealth(group, testsOf(group)) }))
    .sort((a, b) => compare(a.suite, b.suite));
  const jobs = [...groupBy(rows, jobKey)]
    .map(([key, group]): { key: string; health: JobHealth } => {
      const last = group.at(-1) as TestHistoryRow;
      return { key, health: { workflow: last.workflow, job_id: last.jobId, job: last.jobName, matrix: last.matrix, ...groupHealth(group, testsOf(group)) } };
    })
    .sort((a, b) => compare(a.key, b.key))
    .map((j) => j.health);

  return {
    runs: runRefs.length,
    first_run: runRefs[0] ?? null,
    latest_run: runRefs.at(-1) ?? null,
    flaky_clear_after: opts.flakyClearAfter,
    trend_runs: opts.trendRuns,
    flaky: tests
      .filter((t) => t.flaky)
      .sort((a, b) => (b.last_flaky?.run ?? 0) - (a.last_flaky?.run ?? 0) || b.failure_rate - a.failure_rate || testOrder(a, b)),
    newly_failing: tests.filter((t) => t.newly_failing),
    consistently_failing: tests
      .filter((t) => t.passed === 0 && (t.failing_streak?.runs ?? 0) >= 2)
      .sort((a, b) => (b.failing_streak?.runs ?? 0) - (a.failing_streak?.runs ?? 0) || testOrder(a, b)),
    slowest: tests
      .filter((t) => t.duration_p50_ms !== null)
      .sort((a, b) => (b.duration_p50_ms ?? 0) - (a.duration_p50_ms ?? 0) || testOrder(a, b))
      .slice(0, opts.slowest),
    suites,
    jobs,
    tests,
  };
}
