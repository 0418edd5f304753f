// Artifacts and coverage in real runs: a job uploads, a job that needs it downloads, the run
// summary lists the artifact and the coverage, and `tierci artifacts ls|get` read the store.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { RunSummary } from "../../src/reports/run-summary.js";
import { runCli, TempRepo } from "./harness.js";

const cleanup: (() => void)[] = [];
after(() => cleanup.forEach((f) => f()));

const r = new TempRepo({
  ".github/workflows/ci.yml": `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: |
          mkdir -p dist/sub
          echo hello > dist/app.txt
          echo deep > dist/sub/lib.txt
          echo hidden > dist/.env
          printf 'SF:src/a.js\\nDA:1,1\\nDA:2,1\\nDA:3,0\\nDA:4,1\\nend_of_record\\n' > lcov.info
      - id: up
        uses: actions/upload-artifact@v4
        with:
          name: dist
          path: dist/
          retention-days: 7
      - run: test "\${{ steps.up.outputs.artifact-id }}" != "" && case "\${{ steps.up.outputs.artifact-url }}" in file://*) ;; *) exit 1 ;; esac
      - uses: codecov/codecov-action@v5
        with:
          files: lcov.info
          flags: unit
          fail_ci_if_error: true
  deploy:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - id: dl
        uses: actions/download-artifact@v4
        with:
          name: dist
          path: fetched
      - run: |
          test "$(cat fetched/app.txt)" = hello
          test "$(cat fetched/sub/lib.txt)" = deep
          test ! -e fetched/.env
          test "\${{ steps.dl.outputs.download-path }}" = "$PWD/fetched"
`,
});
cleanup.push(() => r.remove());

let summary: RunSummary;

test("job A uploads, job B (needs A) downloads; the summary lists the artifact and the coverage", () => {
  const res = r.cli("run", "--offline", "--json", "-");
  summary = JSON.parse(res.stdout) as RunSummary;
  const logs = runCli(["logs", String(summary.run_number), "--repo", r.dir]).stdout;
  assert.equal(res.code, 0, logs);
  assert.deepEqual(
    summary.jobs.map((j) => [j.job_id, j.conclusion]),
    [
      ["build", "success"],
      ["deploy", "success"],
    ],
  );
  assert.deepEqual(summary.artifacts, [{ name: "dist", job: "build", files: 2, bytes: 11, retention_days: 7 }]);
  assert.equal(summary.coverage?.line_rate, 0.75);
  assert.match(logs, /coverage recorded locally; nothing is uploaded/);
});

test("tierci artifacts ls lists the run's artifacts, as text and JSON", () => {
  const text = r.cli("artifacts", "ls", String(summary.run_number));
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^NAME\s+SIZE\s+FILES\s+EXPIRES\s+JOB/m);
  assert.match(text.stdout, /^dist\s+11 B\s+2\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+build$/m);
  const json = JSON.parse(r.cli("artifacts", "ls", "1", "--json", "-").stdout) as {
    run: number;
    artifacts: { name: string; files: number; size: number; retention_days: number }[];
  };
  assert.equal(json.run, 1);
  assert.deepEqual(
    json.artifacts.map((a) => [a.name, a.files, a.size, a.retention_days]),
    [["dist", 2, 11, 7]],
  );
});

test("tierci artifacts get copies the files to --to, or ./NAME by default; an unknown name exits 2", () => {
  const to = realpathSync(mkdtempSync(join(tmpdir(), "tierci-artifacts-get-")));
  cleanup.push(() => rmSync(to, { recursive: true, force: true }));
  const got = r.cli("artifacts", "get", "1", "dist", "--to", join(to, "explicit"));
  assert.equal(got.code, 0, got.stderr);
  assert.equal(readFileSync(join(to, "explicit", "sub", "lib.txt"), "utf8"), "deep\n");
  const here = runCli(["artifacts", "get", "1", "dist", "--repo", r.dir], to);
  assert.equal(here.code, 0, here.stderr);
  assert.equal(readFileSync(join(to, "dist", "app.txt"), "utf8"), "hello\n");
  const missing = r.cli("artifacts", "get", "1", "nope");
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /run #1 has no artifact 'nope'; its artifacts: dist/);
});
