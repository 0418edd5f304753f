// Matrix keys written as expressions over needs outputs are evaluated when the needed job is
// done, as GitHub and act do, and the job runs once per value under the key it names.
import assert from "node:assert/strict";
import { test } from "node:test";
import { repoFactory } from "./harness.js";

const repo = repoFactory();

test("a matrix key and its values read from a needed job's outputs", () => {
  const r = repo({
    ".github/workflows/ci.yml": `name: CI
on: push
jobs:
  prepare:
    runs-on: ubuntu-latest
    outputs:
      key: \${{ steps.set.outputs.key }}
      values: \${{ steps.set.outputs.values }}
    steps:
      - id: set
        run: |
          echo 'key=python' >> "$GITHUB_OUTPUT"
          echo 'values=["3.11","3.12"]' >> "$GITHUB_OUTPUT"
  test:
    needs: prepare
    runs-on: ubuntu-latest
    strategy:
      matrix:
        \${{ needs.prepare.outputs.key }}: \${{ fromJSON(needs.prepare.outputs.values) }}
    steps:
      - run: echo "on python=[\${{ matrix.python }}] keys=\${{ join(toJSON(matrix), '') }}"
`,
  });
  const plan = r.cli("plan");
  assert.equal(plan.code, 0, plan.stdout + plan.stderr);
  const run = r.cli("run", "--offline", "--json", "-");
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const summary = JSON.parse(run.stdout) as { jobs: { job_id: string; matrix: Record<string, unknown> | null; conclusion: string }[] };
  const tests = summary.jobs.filter((j) => j.job_id === "test");
  assert.deepEqual(
    tests.map((j) => [j.matrix, j.conclusion]),
    [
      [{ python: "3.11" }, "success"],
      [{ python: "3.12" }, "success"],
    ],
  );
  assert.match(run.stderr, /on python=\[3\.11\]/);
  assert.match(run.stderr, /on python=\[3\.12\]/);
  assert.doesNotMatch(run.stderr, /\$\{\{ needs/);
});
