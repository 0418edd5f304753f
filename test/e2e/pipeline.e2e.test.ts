// `tierci run`, the pre-push hook and a program that imports the pipeline library run the
// same pipeline: for one repository and event they produce the same summary.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { test } from "node:test";
import { TempRepo } from "./harness.js";

const PROGRAM = resolve("dist", "test", "support", "pipeline-program.js");

/** What differs from one run to the next by nature: ids, numbers, times. */
function comparable(summary: unknown): unknown {
  return JSON.parse(JSON.stringify(summary), (key, value: unknown) => {
    if (["run_id", "run_number", "started_at", "duration_ms"].includes(key)) return "-";
    return value;
  });
}

test("tierci run, tierci hook run and the pipeline library give the same summary for the same repository and event", () => {
  const repo = new TempRepo({
    ".github/tiers.yml": "tiers:\n  - name: gates\n    workflows: [lint.yml]\n  - name: core\n    workflows: [test.yml]\n",
    ".github/workflows/lint.yml": `on: push
jobs:
  style:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        part: [a, b]
    steps:
      - id: check
        run: |
          echo "checking \${{ matrix.part }}"
          echo "::warning file=src/app.py,line=3::style nit in \${{ matrix.part }}"
          echo "part=\${{ matrix.part }}" >> "$GITHUB_OUTPUT"
      - if: always()
        run: echo done
`,
    ".github/workflows/test.yml": "on: push\njobs:\n  unit:\n    runs-on: ubuntu-latest\n    steps:\n      - run: exit 1\n",
    "src/app.py": "print('hi')\n",
  });
  try {
    const cli = repo.cli("run", "--event", "push", "--tier", "gates", "--offline", "--json", "-");
    assert.equal(cli.code, 0, cli.stderr);
    const hook = repo.cli("hook", "run", "--json", "-");
    assert.equal(hook.code, 0, hook.stderr);
    const lib = spawnSync(process.execPath, [PROGRAM, repo.dir, "gates"], { encoding: "utf8" });
    assert.equal(lib.status, 0, lib.stderr);

    const fromCli = JSON.parse(cli.stdout) as { jobs: { name: string; conclusion: string }[]; tiers: { name: string }[] };
    assert.deepEqual(
      fromCli.tiers.map((t) => t.name),
      ["gates"],
      "only the first tier ran",
    );
    assert.deepEqual(
      fromCli.jobs.map((j) => [j.name, j.conclusion]),
      [
        ["style (a)", "success"],
        ["style (b)", "success"],
      ],
    );
    assert.deepEqual(comparable(JSON.parse(hook.stdout)), comparable(fromCli));
    assert.deepEqual(comparable(JSON.parse(lib.stdout)), comparable(fromCli));
  } finally {
    repo.remove();
  }
});
