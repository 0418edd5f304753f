import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { DEFAULT_REPORT_GLOBS } from "../workflow/tiers.js";
import { collectReports } from "./collect-reports.js";

const dir = mkdtempSync(join(tmpdir(), "tierci-reports-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("only reports the job wrote are collected, outside dependency trees, by kind", async () => {
  const ws = join(dir, "ws");
  const write = (p: string, text = "<x/>"): void => {
    mkdirSync(join(ws, p, ".."), { recursive: true });
    writeFileSync(join(ws, p), text);
  };
  write("committed/junit.xml");
  const old = new Date(Date.now() - 3_600_000);
  utimesSync(join(ws, "committed/junit.xml"), old, old);
  const since = Date.now();
  write("reports/junit-unit.xml", "<testsuite/>");
  write("coverage.xml");
  write("scan/results.sarif");
  write("node_modules/pkg/junit.xml");
  write("src/app.py", "print(1)");
  const found = await collectReports(ws, DEFAULT_REPORT_GLOBS, since, join(dir, "out"));
  assert.deepEqual(found.map((f) => [f.kind, f.source]).sort(), [
    ["coverage", "coverage.xml"],
    ["junit", "reports/junit-unit.xml"],
    ["sarif", "scan/results.sarif"],
  ]);
  const junit = found.find((f) => f.kind === "junit");
  assert.equal(readFileSync(junit?.path ?? "", "utf8"), "<testsuite/>", "a copy survives the workspace");
});
