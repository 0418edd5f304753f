// A clone without the conformance data skips the suites with one line each; with
// TIERCI_REQUIRE_CONFORMANCE=1 (as CI runs) the same clone fails instead.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";

const empty = mkdtempSync(join(tmpdir(), "tierci-no-conformance-"));
after(() => rmSync(empty, { recursive: true, force: true }));

const suites = ["dist/test/conformance/act.test.js", "dist/test/conformance/actionlint.test.js", "dist/src/expr/conformance.test.js"];

function runSuites(extraEnv: Record<string, string>): { code: number | null; out: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, TIERCI_CONFORMANCE_DIR: empty, ...extraEnv };
  if (!("TIERCI_REQUIRE_CONFORMANCE" in extraEnv)) delete env.TIERCI_REQUIRE_CONFORMANCE;
  // Run as a top-level test process, not as a child reporting to this one.
  delete env.NODE_TEST_CONTEXT;
  const res = spawnSync(process.execPath, ["--test", "--test-reporter=tap", ...suites], { env, encoding: "utf8" });
  return { code: res.status, out: res.stdout + res.stderr };
}

test("conformance suites skip with one line each when the data is absent", () => {
  const { code, out } = runSuites({});
  assert.equal(code, 0, out.slice(-3000));
  const skips = out.split("\n").filter((l) => /^\s*ok \d+ - \w+ conformance # SKIP .*conformance data not found at /.test(l));
  assert.equal(skips.length, 3, out.slice(-3000));
  assert.match(out, /# fail 0/);
});

test("conformance suites fail when the data is required and absent", () => {
  const { code, out } = runSuites({ TIERCI_REQUIRE_CONFORMANCE: "1" });
  assert.notEqual(code, 0);
  assert.match(out, /# fail 3/);
  assert.match(out, /TIERCI_REQUIRE_CONFORMANCE=1 requires it/);
});
