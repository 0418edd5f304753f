import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test, type TestContext } from "node:test";
import { fakeRun } from "../../../test/support/fake-builtin-run.js";
import { BuiltinFailure, type BuiltinReport } from "../builtin-types.js";
import { codecovAction } from "./codecov.js";

const LCOV = "SF:src/a.js\nDA:1,1\nDA:2,0\nDA:3,1\nDA:4,1\nend_of_record\n";
const COV_XML = '<?xml version="1.0" ?><coverage lines-valid="10" lines-covered="9" line-rate="0.9"><packages/></coverage>';

function workspace(t: TestContext, files: Record<string, string>): string {
  const ws = realpathSync(mkdtempSync(join(tmpdir(), "tierci-codecov-")));
  t.after(() => rmSync(ws, { recursive: true, force: true }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(ws, path)), { recursive: true });
    writeFileSync(join(ws, path), text);
  }
  return ws;
}

async function codecov(ws: string, inputs: Record<string, string>) {
  const run = fakeRun(codecovAction, { workspace: ws, stateDir: join(ws, ".tierci"), inputs });
  await codecovAction.main(run);
  return run;
}

const summary = (reports: BuiltinReport[]) => reports.map((r) => (r.kind === "coverage" ? [r.file, r.format, r.linesCovered, r.linesValid] : r.kind));

test("named files are recorded with flags and name, and nothing is uploaded", async (t) => {
  const ws = workspace(t, { "lcov.info": LCOV, "out/coverage.xml": COV_XML });
  const run = await codecov(ws, { files: "lcov.info, out/coverage.xml", flags: "unit,py311", name: "unit-tests", disable_search: "true" });
  assert.deepEqual(run.reports, [
    { kind: "coverage", file: "lcov.info", format: "lcov", flags: ["unit", "py311"], name: "unit-tests", lineRate: 0.75, linesCovered: 3, linesValid: 4 },
    {
      kind: "coverage",
      file: "out/coverage.xml",
      format: "cobertura",
      flags: ["unit", "py311"],
      name: "unit-tests",
      lineRate: 0.9,
      linesCovered: 9,
      linesValid: 10,
    },
  ]);
  assert.equal(run.logs.filter((l) => l === "coverage recorded locally; nothing is uploaded").length, 1);
  assert.deepEqual(run.warnings, []);
});

test("v3's file input and newline-separated lists work too", async (t) => {
  const ws = workspace(t, { "a/lcov.info": LCOV, "b/lcov.info": LCOV });
  const run = await codecov(ws, { file: "a/lcov.info\nb/lcov.info", disable_search: "true" });
  assert.deepEqual(summary(run.reports), [
    ["a/lcov.info", "lcov", 3, 4],
    ["b/lcov.info", "lcov", 3, 4],
  ]);
});

test("the search finds reports as the uploader does, skipping source files and ignored folders", async (t) => {
  const ws = workspace(t, {
    "coverage.xml": COV_XML,
    "web/coverage/lcov.info": LCOV,
    "coverage.json": JSON.stringify({ totals: { covered_lines: 1, num_statements: 2 } }),
    "cobertura.xml": COV_XML,
    // Not a name the uploader looks for.
    "cobertura-backend.xml": COV_XML,
    "node_modules/pkg/coverage/lcov.info": LCOV,
    ".venv/lib/coverage.xml": COV_XML,
    "src/coverage.py": "print('not a report')",
    "coverage-summary.json": JSON.stringify({ total: { lines: { total: 1, covered: 1 } } }),
    "build/jacoco.xml": '<?xml version="1.0"?><report name="x"/>',
    "vendored/coverage.xml": COV_XML,
  });
  const run = await codecov(ws, { exclude: "vendored" });
  assert.deepEqual(summary(run.reports), [
    ["cobertura.xml", "cobertura", 9, 10],
    ["coverage.json", "coverage-py-json", 1, 2],
    ["coverage.xml", "cobertura", 9, 10],
    ["web/coverage/lcov.info", "lcov", 3, 4],
  ]);
  assert.ok(
    run.logs.some((l) => l.startsWith("build/jacoco.xml skipped: a JaCoCo report")),
    run.logs.join("\n"),
  );
  assert.deepEqual(run.warnings, []);
});

test("named files are added to what the search finds, each once; directory narrows the search", async (t) => {
  const ws = workspace(t, { "reports/lcov.info": LCOV, "elsewhere/coverage.xml": COV_XML, "custom.dat": LCOV });
  const both = await codecov(ws, { files: "custom.dat,reports/lcov.info", directory: "reports" });
  assert.deepEqual(summary(both.reports), [
    ["custom.dat", "lcov", 3, 4],
    ["reports/lcov.info", "lcov", 3, 4],
  ]);
});

test("fail_ci_if_error: true fails on a missing or unreadable named file, or on no report at all", async (t) => {
  const ws = workspace(t, { "lcov.info": LCOV, "broken.xml": "<coverage><nope", "empty/README": "x" });
  await assert.rejects(
    codecov(ws, { files: "missing.xml", fail_ci_if_error: "true", disable_search: "true" }),
    (e: Error) => e instanceof BuiltinFailure && /coverage file missing.xml not found/.test(e.message),
  );
  await assert.rejects(
    codecov(ws, { files: "broken.xml,lcov.info", fail_ci_if_error: "true", disable_search: "true" }),
    /broken.xml is unreadable: invalid XML/,
  );
  await assert.rejects(
    codecov(ws, { directory: "empty", fail_ci_if_error: "true" }),
    /No coverage reports found\. Please make sure you're generating reports successfully\./,
  );
});

test("fail_ci_if_error: false (the default) turns the same problems into warnings", async (t) => {
  const ws = workspace(t, { "lcov.info": LCOV, "broken.xml": "<coverage><nope", "empty/README": "x" });
  const run = await codecov(ws, { files: "missing.xml,broken.xml,lcov.info", disable_search: "true" });
  assert.equal(run.warnings.length, 2);
  assert.match(run.warnings[0] ?? "", /missing.xml not found .*fail_ci_if_error is false/);
  assert.match(run.warnings[1] ?? "", /broken.xml is unreadable/);
  assert.deepEqual(summary(run.reports), [["lcov.info", "lcov", 3, 4]]);
  const none = await codecov(ws, { directory: "empty" });
  assert.match(none.warnings[0] ?? "", /No coverage reports found/);
  const handled = await codecov(ws, { directory: "empty", fail_ci_if_error: "true", handle_no_reports_found: "true" });
  assert.deepEqual(handled.warnings, []);
});
