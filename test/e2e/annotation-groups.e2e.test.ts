// The same warning from every matrix job is shown once, naming the jobs, in the end-of-run
// summary and in the HTML report; a warning of one job keeps that job's name.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoFactory, runCli } from "./harness.js";

const repo = repoFactory();

test("identical annotations from several jobs are shown once with the jobs named", () => {
  const r = repo({
    "app.py": "import os\n",
    ".github/workflows/ci.yml": `name: CI
on: push
jobs:
  unit:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        py: ["3.8", "3.9", "3.10", "3.11", "3.12"]
    steps:
      - run: echo '::warning file=app.py,line=1::deprecated call'
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo '::warning file=app.py,line=1::deprecated call'
          echo '::warning file=app.py,line=1::unused import os'
          echo '::error file=app.py,line=1::deprecated call'
          exit 1
`,
  });
  const run = r.cli("run", "--offline");
  assert.equal(run.code, 1, run.stderr);
  const summary = run.stdout.slice(run.stdout.lastIndexOf("tier "));
  const lines = summary.split("\n").filter((l) => l.includes("app.py:1:"));
  assert.deepEqual(
    lines.map((l) => l.trim().replace(/\(in 6 jobs: .*, and 3 more\)/, "(in 6 jobs: …)")),
    ["error app.py:1: deprecated call (lint)", "warning app.py:1: deprecated call (in 6 jobs: …)", "warning app.py:1: unused import os (lint)"],
    summary,
  );

  const out = join(r.dir, "report.html");
  const made = runCli(["report", "1", "--repo", r.dir, "--html", out]);
  assert.equal(made.code, 0, made.stderr);
  const html = readFileSync(out, "utf8");
  const annotations = [...html.matchAll(/<div class="annotation" data-level="(\w+)" data-jobs="(\d+)">(.*?)<\/div>/g)];
  assert.deepEqual(
    annotations.map(([, level, jobs, body]) => [level, jobs, /deprecated call|unused import os/.exec(body ?? "")?.[0]]),
    [
      ["error", "1", "deprecated call"],
      ["warning", "6", "deprecated call"],
      ["warning", "1", "unused import os"],
    ],
  );
  assert.match(annotations[1]?.[3] ?? "", /\(in 6 jobs: [^<]*, and 3 more\)<\/span>$/);
  assert.match(annotations[1]?.[3] ?? "", /title="[^"]*lint[^"]*"/);
});
