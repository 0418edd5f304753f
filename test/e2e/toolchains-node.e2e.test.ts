// actions/setup-node downloading Node.js for real: a matrix of Node 18, 20 and 22, each
// version asked for by two parallel jobs, runs `node --version` in every job. Each version is
// downloaded once (the other job waits for it or finds it), and a second run finds all three
// in the tool cache. The versions are exact releases this machine does not have, so that
// each one has to be downloaded (from nodejs.org, or the npm registry where only that is
// reachable). The tool cache is a temporary directory of this file (see the harness).
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { RunSummary } from "../../src/reports/run-summary.js";
import { repoFactory, runCli, type TempRepo } from "./harness.js";

/** The harness gives this file a tool cache of its own. */
const toolCache = process.env["TIERCI_TOOL_CACHE"] ?? "";

const repo = repoFactory();
const VERSIONS = ["18.20.4", "20.18.0", "22.11.0"];

function run(r: TempRepo, ...args: string[]): { code: number; summary: RunSummary; logs: string } {
  const res = r.cli("run", "--json", "-", "--jobs", "6", ...args);
  if (!res.stdout.startsWith("{")) throw new Error(`no run summary (exit ${res.code}):\n${res.stderr}`);
  const summary = JSON.parse(res.stdout) as RunSummary;
  const logs = runCli(["logs", String(summary.run_number), "--repo", r.dir]).stdout;
  return { code: res.code, summary, logs };
}

const count = (text: string, pattern: RegExp): number => [...text.matchAll(pattern)].length;

test("a Node 18/20/22 matrix downloads each version once across parallel jobs, and the next run uses the tool cache", () => {
  const r = repo({
    ".github/workflows/node.yml": `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        node: [${VERSIONS.map((v) => `"${v}"`).join(", ")}]
        copy: [1, 2]
    steps:
      - id: node
        uses: actions/setup-node@v4
        with:
          node-version: \${{ matrix.node }}
      - run: |
          echo "node $(node --version) at $(command -v node)"
          test "$(node --version)" = "v\${{ matrix.node }}"
          test "\${{ steps.node.outputs.node-version }}" = "v\${{ matrix.node }}"
          npm --version
`,
  });
  const first = run(r);
  assert.equal(first.code, 0, first.logs);
  assert.equal(first.summary.jobs.length, 6);
  assert.ok(
    first.summary.jobs.every((j) => j.conclusion === "success"),
    first.logs,
  );
  for (const v of VERSIONS) {
    assert.equal(
      count(first.logs, new RegExp(`Downloading \\S*/node-\\S*${v.replace(/\./g, "\\.")}\\S*`, "g")),
      1,
      `Node.js ${v} downloaded once:\n${first.logs}`,
    );
    assert.ok(existsSync(join(toolCache, "node", v, process.arch, "bin", "node")), `${v} is in the tool cache`);
    assert.ok(existsSync(join(toolCache, "node", v, `${process.arch}.complete`)));
  }
  assert.deepEqual(readdirSync(join(toolCache, "node")).sort(), [...VERSIONS].sort());
  assert.deepEqual(readdirSync(join(toolCache, ".locks")), [], "no lock is left behind");

  const second = run(r);
  assert.equal(second.code, 0, second.logs);
  assert.equal(count(second.logs, /Downloading /g), 0, `nothing is downloaded the second time:\n${second.logs}`);
  for (const v of VERSIONS) assert.ok(second.logs.includes(`node v${v} at `), second.logs);
});
