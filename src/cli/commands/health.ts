// `tierci health`: flaky, newly failing, consistently failing and slow tests over the recorded runs, and how each suite
// and job fares.
import { analyzeHealth, filterHistory, HEALTH_DEFAULTS, type HealthReport, type TestHealth } from "../../reports/health/health.js";
import { formatDuration } from "../../workflow/duration.js";
import { UsageError } from "../key-values.js";
import { style, writeJson, type Out } from "../output.js";
import { printTable } from "../table.js";
import { withStore, type StoreOptions } from "./runs.js";

export interface HealthCommandOptions extends StoreOptions {
  runs?: string;
  job?: string;
  suite?: string;
  flakyClearAfter?: string;
  trendRuns?: string;
  slowest?: string;
}

const DEFAULT_RUNS = 50;

/** A whole number of at least `min`, or the default when the option was not given. */
function countOption(value: string | undefined, flag: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min) throw new UsageError(`${flag} takes a whole number of at least ${min}, not '${value}'`);
  return n;
}

export function healthCommand(out: Out, opts: HealthCommandOptions): number {
  const runs = countOption(opts.runs, "--runs", DEFAULT_RUNS);
  const options = {
    flakyClearAfter: countOption(opts.flakyClearAfter, "--flaky-clear-after", HEALTH_DEFAULTS.flakyClearAfter),
    trendRuns: countOption(opts.trendRuns, "--trend-runs", HEALTH_DEFAULTS.trendRuns),
    slowest: countOption(opts.slowest, "--slowest", HEALTH_DEFAULTS.slowest, 0),
  };
  return withStore(opts, (store, root) => {
    const history = store.testHistory({ repoRoot: root, limit: runs });
    const filter = { ...(opts.job === undefined ? {} : { job: opts.job }), ...(opts.suite === undefined ? {} : { suite: opts.suite }) };
    const rows = filterHistory(history, filter);
    if (rows.length === 0 && history.length > 0) {
      const what = [opts.job === undefined ? "" : `job '${opts.job}'`, opts.suite === undefined ? "" : `suite '${opts.suite}'`].filter(Boolean).join(" and ");
      const jobs = [...new Set(history.map((r) => r.jobId))].sort().join(", ");
      throw new UsageError(`no test results of ${what} in the last ${runs} runs; jobs with test results: ${jobs}`);
    }
    const report = analyzeHealth(rows, options);
    if (opts.json !== undefined) writeJson(opts.json, report);
    if (opts.json === "-") return 0;
    render(out, report, runs);
    return 0;
  });
}

const label = (t: TestHealth): string => `${t.classname ?? t.suite}::${t.name}`;
const percent = (rate: number): string => `${(rate * 100).toFixed(1)}%`;

function flakyWhy(last: NonNullable<TestHealth["last_flaky"]>): string {
  if (last.reason === "retry") return "passed on retry";
  if (last.reason === "same-tree") return `passed and failed on one tree (${(last.tree ?? "").slice(0, 10)}, at ${last.sha.slice(0, 10)})`;
  return `passed and failed on ${last.sha.slice(0, 10)}`;
}

function duration(ms: number | null): string {
  if (ms === null) return "-";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return formatDuration(ms);
}

function trend(pct: number | null): string {
  if (pct === null) return "-";
  const text = `${pct > 0 ? "+" : ""}${pct.toFixed(1)}%`;
  return pct >= 20 ? style.yellow(text) : text;
}

function firstLine(text: string | null, max = 100): string {
  const line = (text ?? "").split("\n", 1)[0] ?? "";
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The first failing run, or "before #N" when the streak began before the window did. */
function failingSince(t: TestHealth, report: HealthReport): string {
  const since = t.failing_streak?.since;
  if (since === undefined) return "-";
  const when = `#${since.number} ${since.started_at.slice(0, 16).replace("T", " ")}`;
  return since.number === report.first_run?.number ? `${when} or before` : when;
}

function render(out: Out, report: HealthReport, runs: number): void {
  if (report.latest_run === null || report.first_run === null) {
    out.log(`no test results in the last ${runs} runs; tierci records them from the JUnit reports a run's jobs write`);
    return;
  }
  const latest = report.latest_run;
  out.log(
    style.bold(`test health over ${report.runs} run${report.runs === 1 ? "" : "s"} (#${report.first_run.number} to #${latest.number})`) +
      style.dim(`  latest: #${latest.number} ${latest.ref} ${latest.sha.slice(0, 10)}`),
  );

  out.log();
  out.log(style.bold(`Flaky tests: ${report.flaky.length}`) + style.dim(`  (flagged until ${report.flaky_clear_after} clean passes in a row)`));
  if (report.flaky.length > 0) {
    printTable(
      out,
      [
        { title: "TEST" },
        { title: "JOB" },
        { title: "RUNS", right: true },
        { title: "FAIL RATE", right: true },
        { title: "LAST FLAKY" },
        { title: "CLEAN PASSES", right: true },
      ],
      report.flaky.map((t) => [
        label(t),
        t.job,
        String(t.runs),
        percent(t.failure_rate),
        t.last_flaky === null ? "-" : `#${t.last_flaky.run} ${flakyWhy(t.last_flaky)}`,
        `${t.passes_since_flaky}/${report.flaky_clear_after}`,
      ]),
    );
  }

  out.log();
  out.log(style.bold(`Newly failing in #${latest.number}: ${report.newly_failing.length}`));
  if (report.newly_failing.length > 0) {
    printTable(
      out,
      [{ title: "TEST" }, { title: "JOB" }, { title: "MESSAGE" }],
      report.newly_failing.map((t) => [label(t), t.job, firstLine(t.last_message)]),
    );
  }

  out.log();
  out.log(style.bold(`Failing in every run: ${report.consistently_failing.length}`));
  if (report.consistently_failing.length > 0) {
    printTable(
      out,
      [{ title: "TEST" }, { title: "JOB" }, { title: "FAILING SINCE" }, { title: "RUNS", right: true }, { title: "MESSAGE" }],
      report.consistently_failing.map((t) => [label(t), t.job, failingSince(t, report), String(t.failing_streak?.runs ?? 0), firstLine(t.last_message)]),
    );
  }

  if (report.slowest.length > 0) {
    out.log();
    out.log(style.bold("Slowest tests") + style.dim(`  (trend: median of the last ${report.trend_runs} runs against the ${report.trend_runs} before)`));
    printTable(
      out,
      [{ title: "TEST" }, { title: "JOB" }, { title: "P50", right: true }, { title: "P95", right: true }, { title: "TREND", right: true }],
      report.slowest.map((t) => [label(t), t.job, duration(t.duration_p50_ms), duration(t.duration_p95_ms), trend(t.duration_trend_pct)]),
    );
  }

  const groupColumns = [
    { title: "TESTS", right: true },
    { title: "RUNS", right: true },
    { title: "PASSED", right: true },
    { title: "FAILED", right: true },
    { title: "SKIPPED", right: true },
    { title: "FAIL RATE", right: true },
    { title: "FLAKY", right: true },
    { title: "P50/RUN", right: true },
  ];
  const groupCells = (g: HealthReport["suites"][number] | HealthReport["jobs"][number]): string[] => [
    String(g.tests),
    String(g.runs),
    String(g.passed),
    String(g.failed),
    String(g.skipped),
    percent(g.failure_rate),
    String(g.flaky),
    duration(g.duration_p50_ms),
  ];
  out.log();
  printTable(
    out,
    [{ title: "SUITE" }, ...groupColumns],
    report.suites.map((s) => [s.suite, ...groupCells(s)]),
  );
  out.log();
  printTable(
    out,
    [{ title: "JOB" }, ...groupColumns],
    report.jobs.map((j) => [`${j.workflow} / ${j.job}`, ...groupCells(j)]),
  );
}
