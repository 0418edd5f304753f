import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectReportKind, sniffReportKind } from "./detect.js";

test("the kind of report from the start of the content", () => {
  const cases: [string, string | undefined][] = [
    ['<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">', "junit"],
    ['\ufeff<?xml version="1.0"?>\n<!-- surefire -->\n<testsuite name="com.acme.LedgerTest">', "junit"],
    ['<?xml version="1.0" ?>\n<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">\n<coverage line-rate="0.5">', "coverage"],
    ['<?xml version="1.0"?><report name="jacoco">', undefined],
    ['<html lang="en">', undefined],
    ["TN:\nSF:/src/a.js\nDA:1,1\n", "coverage"],
    ["SF:src/a.js\n", "coverage"],
    ['{"meta": {"format": 3, "version": "7.5.1"}, "files": {"a.py": {"executed_lines": [1]', "coverage"],
    ['{"/repo/a.js": {"path": "/repo/a.js", "statementMap": {', "coverage"],
    ['{"total": {"lines": {"total": 1, "covered": 1', "coverage"],
    ['{\n  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",\n  "version": "2.1.0",\n  "runs": [', "sarif"],
    ['{"version": "2.1.0", "runs": [{"tool": {}}]}', "sarif"],
    ['{"name": "my-package", "version": "1.0.0"}', undefined],
    ["mode: set\n", undefined],
    ["", undefined],
  ];
  for (const [head, kind] of cases) assert.equal(sniffReportKind(head), kind, JSON.stringify(head));
});

test("detectReportKind reads files; UTF-16 with BOM; missing or binary files are none", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tierci-detect-"));
  try {
    await writeFile(join(dir, "results.xml"), '<?xml version="1.0"?>\n<testsuites>\n</testsuites>\n');
    await writeFile(join(dir, "lcov.info"), "TN:\nSF:a.js\nend_of_record\n");
    await writeFile(join(dir, "out.sarif"), JSON.stringify({ version: "2.1.0", runs: [] }));
    await writeFile(join(dir, "utf16.xml"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<testsuite/>", "utf16le")]));
    await writeFile(join(dir, "image.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0xff]));
    assert.equal(detectReportKind(join(dir, "results.xml")), "junit");
    assert.equal(detectReportKind(join(dir, "lcov.info")), "coverage");
    assert.equal(detectReportKind(join(dir, "out.sarif")), "sarif");
    assert.equal(detectReportKind(join(dir, "utf16.xml")), "junit");
    assert.equal(detectReportKind(join(dir, "image.png")), undefined);
    assert.equal(detectReportKind(join(dir, "missing.xml")), undefined);
    assert.equal(detectReportKind(dir), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
