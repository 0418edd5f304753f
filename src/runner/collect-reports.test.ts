import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { DEFAULT_REPORT_GLOBS } from "../workflow/tier-defaults.js";
import { collectReports, reportBaseline } from "./collect-reports.js";

const dir = mkdtempSync(join(tmpdir(), "tierci-reports-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("only reports the job wrote or changed are collected, outside dependency trees, by kind", async () => {
  const ws = join(dir, "ws");
  const write = (p: string, text = "<x/>"): void => {
    mkdirSync(join(ws, p, ".."), { recursive: true });
    writeFileSync(join(ws, p), text);
  };
  write("committed/junit.xml");
  write("coverage.xml", "<old/>");
  const baseline = await reportBaseline(ws, DEFAULT_REPORT_GLOBS);
  write("reports/junit-unit.xml", "<testsuite/>");
  write("coverage.xml", "<coverage/>");
  write("scan/results.sarif");
  write("node_modules/pkg/junit.xml");
  write("src/app.py", "print(1)");
  const found = await collectReports(ws, DEFAULT_REPORT_GLOBS, baseline, join(dir, "out"));
  assert.deepEqual(found.map((f) => [f.kind, f.source]).sort(), [
    ["coverage", "coverage.xml"],
    ["junit", "reports/junit-unit.xml"],
    ["sarif", "scan/results.sarif"],
  ]);
  const junit = found.find((f) => f.kind === "junit");
  assert.equal(readFileSync(junit?.path ?? "", "utf8"), "<testsuite/>", "a copy survives the workspace");
});
