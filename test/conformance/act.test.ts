// act's runner cases (act-cases.json in the conformance data): each run through the real CLI
// on the host, reaching the outcome act expects. Prints `N passed, N failed`.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { runCli } from "../e2e/harness.js";
import { conformanceSuite } from "../support/conformance-data.js";

interface ActCase {
  case: string;
  event: string;
  expect: "success" | "failure";
}

const manifestFile = conformanceSuite("act", "act-cases.json");
if (manifestFile !== undefined) {
  const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as {
    repo_root: string;
    env: Record<string, string>;
    actor: string;
    cases: ActCase[];
  };
  const root = join(dirname(manifestFile), manifest.repo_root);
  const scratch = mkdtempSync(join(tmpdir(), "tierci-act-"));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  const results: { name: string; ok: boolean; detail: string }[] = [];

  for (const c of manifest.cases) {
    test(`act case ${c.case} (${c.event}) ends ${c.expect}`, () => {
      const args = ["run", "--repo", root, "-W", c.case, "--event", c.event, "--actor", manifest.actor, "--offline", "--state-dir", scratch, "--json", "-"];
      for (const [k, v] of Object.entries(manifest.env)) args.push("--env", `${k}=${v}`);
      const eventFile = join(root, c.case, "event.json");
      if (existsSync(eventFile)) args.push("--event-path", eventFile);
      const res = runCli(args);
      let status: string;
      try {
        status = (JSON.parse(res.stdout) as { status: string }).status;
      } catch {
        status = `exit ${res.code}`;
      }
      const ok = status === c.expect && res.code === (c.expect === "success" ? 0 : 1);
      results.push({ name: c.case, ok, detail: status });
      assert.ok(ok, `expected ${c.expect}, got ${status} (exit ${res.code})\n${res.stderr.slice(-4000)}`);
    });
  }

  test("act conformance tally", () => {
    const passed = results.filter((r) => r.ok).length;
    console.log(`act conformance: ${passed} passed, ${results.length - passed} failed`);
    assert.equal(results.length, manifest.cases.length);
  });
}
