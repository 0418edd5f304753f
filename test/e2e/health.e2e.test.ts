// tierci health and tierci coverage on a real repository, over a run history written through the
// store the way a run records it.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import type { HealthReport } from "../../src/reports/health/health.js";
import type { TestCaseResult } from "../../src/formats/report-types.js";
import { defaultStorePath, openStore } from "../../src/store/index.js";
import { repoFactory } from "./harness.js";

const newRepo = repoFactory();

const numbered = (from: number, to: number): string => Array.from({ length: to - from + 1 }, (_, i) => `x${from + i} = ${from + i}\n`).join("");

/** main: src/app.py with 10 lines; feature: 5 lines added to it and a new src/extra.py of 5 lines. */
function featureRepo() {
  const repo = newRepo({ "src/app.py": numbered(1, 10), "README.md": "# demo\n", ".gitignore": ".tierci/\n" });
  const base = repo.git("rev-parse", "HEAD");
  repo.git("checkout", "-q", "-b", "feature");
  repo.write({ "src/app.py": numbered(1, 15), "src/extra.py": numbered(1, 5), "README.md": "# demo\n\nmore\n" });
  const head = repo.commit("feature");
  return { repo, base, head };
}

const unit = (name: string, status: TestCaseResult["status"], durationMs = 10, extra: Partial<TestCaseResult> = {}): TestCaseResult => ({
  suite: "tests/test_app.py",
  classname: "tests.test_app",
  name,
  status,
  durationMs,
  ...extra,
});

test("health reports a test that failed and passed on one commit as flaky, and a regression as newly failing", () => {
  const { repo, base, head } = featureRepo();
  const store = openStore(defaultStorePath(repo.dir));
  const history: [string, TestCaseResult[]][] = [
    [base, [unit("test_network", "passed", 120), unit("test_math", "passed", 5), unit("test_parse", "passed", 30)]],
    [
      base,
      [unit("test_network", "failed", 140, { message: "TimeoutError: read timed out" }), unit("test_math", "passed", 6), unit("test_parse", "passed", 31)],
    ],
    [
      head,
      [
        unit("test_network", "passed", 130),
        unit("test_math", "failed", 7, { message: "AssertionError: 3 != 4" }),
        unit("test_parse", "passed", 29, { retries: [{ status: "failed" }] }),
      ],
    ],
  ];
  history.forEach(([sha, results], i) => {
    const run = store.createRun({ repoRoot: repo.dir, event: "push", ref: "refs/heads/feature", sha, actor: "dev", startedAt: 1_000 * (i + 1) });
    const job = store.addJob({ runId: run.id, tier: "core", workflow: "ci.yml", jobId: "unit", name: "unit" });
    store.addTestResults(job.id, results);
    store.finishJob(job.id, results.some((r) => r.status === "failed") ? "failure" : "success");
    store.finishRun(run.id, { conclusion: "success" });
  });
  store.close();

  const json = repo.cli("health", "--json", "-");
  assert.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout) as HealthReport;
  assert.equal(report.runs, 3);
  assert.deepEqual(
    report.flaky.map((t) => [t.name, t.last_flaky?.reason]),
    [
      ["test_parse", "retry"],
      ["test_network", "same-sha"],
    ],
  );
  assert.deepEqual(
    report.newly_failing.map((t) => [t.name, t.last_message]),
    [["test_math", "AssertionError: 3 != 4"]],
  );
  assert.deepEqual(
    report.slowest.map((t) => t.name),
    ["test_network", "test_parse", "test_math"],
  );
  assert.deepEqual(
    report.jobs.map((j) => [j.job_id, j.tests, j.runs, j.flaky]),
    [["unit", 3, 3, 2]],
  );

  const table = repo.cli("health");
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^test health over 3 runs \(#1 to #3\)/);
  assert.match(table.stdout, /Flaky tests: 2[\s\S]*tests\.test_app::test_parse\s+unit\s+3\s+0\.0%\s+#3 passed on retry\s+0\/10/);
  assert.match(table.stdout, /tests\.test_app::test_network\s+unit\s+3\s+33\.3%\s+#2 passed and failed on [0-9a-f]{10}\s+1\/10/);
  assert.match(table.stdout, /Newly failing in #3: 1[\s\S]*tests\.test_app::test_math\s+unit\s+AssertionError: 3 != 4/);
  assert.ok(
    table.stdout.indexOf("Flaky tests") < table.stdout.indexOf("Newly failing") &&
      table.stdout.indexOf("Newly failing") < table.stdout.indexOf("Slowest tests"),
  );
  assert.match(table.stdout, /^SUITE\s+TESTS/m);
  assert.match(table.stdout, /^ci\.yml \/ unit\s+3\s+3\s+7\s+2\s+0\s+22\.2%\s+2\s/m);

  // Cleared after one clean pass of each, when one is enough.
  const cleared = JSON.parse(repo.cli("health", "--json", "-", "--flaky-clear-after", "1").stdout) as HealthReport;
  assert.deepEqual(
    cleared.flaky.map((t) => t.name),
    ["test_parse"],
  );
  const lastRunOnly = JSON.parse(repo.cli("health", "--json", "-", "--runs", "1").stdout) as HealthReport;
  assert.deepEqual([lastRunOnly.runs, lastRunOnly.newly_failing.length], [1, 0]);

  const unknownJob = repo.cli("health", "--job", "lint");
  assert.equal(unknownJob.code, 2, unknownJob.stderr);
  assert.match(unknownJob.stderr, /no test results of job 'lint'.*jobs with test results: unit/);
  const noRuns = repo.cli("health", "--runs", "0");
  assert.equal(noRuns.code, 2, noRuns.stderr);
});

test("health lists a test that failed in every run, since when and for how many runs", () => {
  const { repo, base, head } = featureRepo();
  const store = openStore(defaultStorePath(repo.dir));
  const broken = (): TestCaseResult => unit("test_broken", "failed", 10, { message: "ImportError: no module named legacy" });
  const history: TestCaseResult[][] = [
    [unit("test_math", "passed"), unit("test_recent", "passed"), unit("test_once", "passed")],
    [broken(), unit("test_math", "passed"), unit("test_recent", "failed"), unit("test_once", "passed")],
    [broken(), unit("test_math", "passed"), unit("test_recent", "failed"), unit("test_once", "skipped")],
    [broken(), unit("test_math", "passed"), unit("test_recent", "failed"), unit("test_once", "failed")],
  ];
  history.forEach((results, i) => {
    const run = store.createRun({
      repoRoot: repo.dir,
      event: "push",
      ref: "refs/heads/feature",
      sha: i < 2 ? base : head,
      actor: "dev",
      startedAt: Date.UTC(2026, 0, 1 + i),
    });
    const job = store.addJob({ runId: run.id, tier: "core", workflow: "ci.yml", jobId: "unit", name: "unit" });
    store.addTestResults(job.id, results);
    store.finishJob(job.id, "failure");
    store.finishRun(run.id, { conclusion: "failure" });
  });
  store.close();

  const report = JSON.parse(repo.cli("health", "--json", "-").stdout) as HealthReport;
  // test_recent passed in run 1; test_once failed in one run only.
  assert.deepEqual(
    report.consistently_failing.map((t) => [t.name, t.failing_streak?.runs, t.failing_streak?.since.number]),
    [["test_broken", 3, 2]],
  );
  assert.deepEqual(report.tests.find((t) => t.name === "test_recent")?.failing_streak?.runs, 3);

  const table = repo.cli("health");
  assert.equal(table.code, 0, table.stderr);
  assert.match(
    table.stdout,
    /Failing in every run: 1\n\S*TEST\s+JOB\s+FAILING SINCE\s+RUNS\s+MESSAGE[\s\S]*tests\.test_app::test_broken\s+unit\s+#2 2026-01-02 00:00\s+3\s+ImportError: no module named legacy/,
  );

  // In a window that starts inside the streak it may have begun earlier.
  const recent = repo.cli("health", "--runs", "2");
  assert.match(recent.stdout, /test_broken\s+unit\s+#3 2026-01-03 00:00 or before\s+2/);
  assert.match(recent.stdout, /test_recent\s+unit\s+#3 2026-01-03 00:00 or before\s+2/);
});

test("coverage gates on patch coverage of the branch's changed lines, and reads a report file", () => {
  const { repo, head } = featureRepo();
  const store = openStore(defaultStorePath(repo.dir));
  const run = store.createRun({ repoRoot: repo.dir, event: "push", ref: "refs/heads/feature", sha: head, actor: "dev" });
  const job = store.addJob({ runId: run.id, tier: "core", workflow: "ci.yml", jobId: "unit", name: "unit" });
  const hits = (covered: (n: number) => boolean, count: number) =>
    new Map(Array.from({ length: count }, (_, i): [number, number] => [i + 1, covered(i + 1) ? 1 : 0]));
  store.addCoverage(job.id, {
    format: "cobertura",
    files: [
      // Changed lines 11-15: 11, 12, 13 ran, 14 and 15 did not.
      { path: "src/app.py", linesValid: 15, linesCovered: 13, lines: hits((n) => n <= 13, 15) },
      // All five new lines ran except line 5.
      { path: "src/extra.py", linesValid: 5, linesCovered: 4, lines: hits((n) => n !== 5, 5) },
    ],
  });
  store.finishRun(run.id, { conclusion: "success" });
  store.close();

  // 7 of the 10 changed executable lines ran: 70%. README.md is not measured.
  const gated = repo.cli("coverage", "--fail-under-patch", "90");
  assert.equal(gated.code, 1, gated.stderr);
  assert.match(gated.stdout, /^coverage of run #1 \(refs\/heads\/feature [0-9a-f]{10}\): 85\.0% of 20 lines/);
  assert.match(gated.stdout, /^src\/app\.py\s+15\s+13\s+86\.6%\s+14-15$/m);
  assert.match(gated.stdout, /^TOTAL\s+20\s+17\s+85\.0%$/m);
  assert.match(gated.stdout, /patch coverage against main \(merge base [0-9a-f]{10}\): 70\.0%, 7 of 10 changed executable lines ran/);
  assert.match(gated.stdout, /^src\/extra\.py\s+5\s+5\s+4\s+80\.0%\s+5$/m);
  assert.match(gated.stdout, /✗ patch coverage 70\.0% is under --fail-under-patch 90%/);
  assert.doesNotMatch(gated.stdout, /note:/);

  const passing = repo.cli("coverage", "1", "--fail-under-patch", "70", "--fail-under", "85");
  assert.equal(passing.code, 0, passing.stdout + passing.stderr);
  assert.match(passing.stdout, /✓ line coverage 85\.0% meets --fail-under 85%/);
  const under = repo.cli("coverage", "--fail-under", "85.1");
  assert.equal(under.code, 1, under.stderr);

  const json = repo.cli("coverage", "--json", "-", "--fail-under-patch", "90");
  assert.equal(json.code, 1, json.stderr);
  const parsed = JSON.parse(json.stdout) as {
    run: { number: number };
    totals: { lines_valid: number; lines_covered: number; line_rate: number };
    patch: {
      base: string;
      lines_changed: number;
      lines_executable: number;
      lines_covered: number;
      line_rate: number;
      files: { path: string; missing: number[] }[];
    };
    gates: { name: string; threshold: number; rate: number; passed: boolean }[];
    passed: boolean;
  };
  assert.equal(parsed.run.number, 1);
  assert.deepEqual([parsed.totals.lines_valid, parsed.totals.lines_covered], [20, 17]);
  assert.deepEqual(
    [parsed.patch.base, parsed.patch.lines_changed, parsed.patch.lines_executable, parsed.patch.lines_covered, parsed.patch.line_rate],
    ["main", 12, 10, 7, 0.7],
  );
  assert.deepEqual(
    parsed.patch.files.map((f) => [f.path, f.missing]),
    [
      ["src/app.py", [14, 15]],
      ["src/extra.py", [5]],
    ],
  );
  assert.deepEqual(parsed.gates, [{ name: "patch", threshold: 90, rate: 0.7, passed: false }]);
  assert.equal(parsed.passed, false);

  // Against the branch itself nothing changed: nothing to cover passes the gate.
  const self = repo.cli("coverage", "--base", "HEAD", "--fail-under-patch", "90");
  assert.equal(self.code, 0, self.stdout + self.stderr);
  assert.match(self.stdout, /no executable lines changed/);

  repo.write({ "coverage.info": "SF:src/app.py\nDA:11,1\nDA:12,0\nend_of_record\n" });
  const fromFile = repo.cli("coverage", "--file", join(repo.dir, "coverage.info"), "--fail-under-patch", "50");
  assert.equal(fromFile.code, 0, fromFile.stdout + fromFile.stderr);
  assert.match(fromFile.stdout, /^coverage of \/.*\/coverage\.info: 50\.0% of 2 lines/);
  assert.match(fromFile.stdout, /50\.0%, 1 of 2 changed executable lines ran/);

  for (const bad of [
    ["--fail-under", "abc"],
    ["--fail-under-patch", "101"],
    ["--base", "no-such-branch"],
    ["7"],
    ["1", "--file", join(repo.dir, "coverage.info")],
    ["--file", join(repo.dir, "missing.xml")],
  ]) {
    const res = repo.cli("coverage", ...bad);
    assert.equal(res.code, 2, `${bad.join(" ")}: ${res.stdout}${res.stderr}`);
    assert.match(res.stderr, /^tierci: /);
  }
});
