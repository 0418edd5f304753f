// actionlint's ok/err workflows: every ok file validates cleanly, and the share of
// expected error lines that tierci also flags must never go down.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { loadRepository } from "../../src/workflow/load.js";
import { conformanceSuite } from "../support/conformance-data.js";
import { errCases, okFiles } from "./actionlint-cases.js";

const ACTIONLINT_DIR = conformanceSuite("actionlint", "actionlint");
const baseline = JSON.parse(readFileSync("test/conformance/actionlint-baseline.json", "utf8")) as { errLinesFound: number; errLinesTotal: number };

if (ACTIONLINT_DIR !== undefined) {
  test("all actionlint ok workflows validate without an error", async () => {
    const files = okFiles(ACTIONLINT_DIR);
    assert.ok(files.length >= 84, `expected at least 84 ok workflows, found ${files.length}`);
    const failures: string[] = [];
    for (const f of files) {
      const repo = await loadRepository(ACTIONLINT_DIR, { workflows: `ok/${f}` });
      for (const d of repo.diagnostics.filter((x) => x.severity === "error")) failures.push(`${d.file}:${d.line}:${d.col}: ${d.message}`);
    }
    assert.deepEqual(failures, []);
  });

  test("share of actionlint err lines reported does not go down", async () => {
    let found = 0;
    let total = 0;
    for (const c of errCases(ACTIONLINT_DIR)) {
      const repo = await loadRepository(ACTIONLINT_DIR, { workflows: `err/${c.file}` });
      const lines = new Set(repo.diagnostics.filter((d) => d.severity === "error" && d.file === `err/${c.file}`).map((d) => d.line));
      total += c.expectedLines.length;
      found += c.expectedLines.filter((l) => lines.has(l)).length;
    }
    console.log(`actionlint err lines reported: ${found}/${total} (${((100 * found) / total).toFixed(1)}%)`);
    assert.equal(total, baseline.errLinesTotal, "the conformance data changed; update the baseline deliberately");
    assert.ok(found >= baseline.errLinesFound, `regression: ${found} < baseline ${baseline.errLinesFound}`);
  });
}
