// One workflow's problem never blocks the repository: a run-time problem is a warning in plan and
// run (lint still reports it), and a workflow GitHub refuses is left out while the others run.
import assert from "node:assert/strict";
import { test } from "node:test";
import { repoFactory } from "./harness.js";

const repo = repoFactory();

const good = "name: Good\non: push\njobs:\n  ok:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo good-ran\n";
const missingStep = `name: Project
on: push
jobs:
  add:
    runs-on: ubuntu-latest
    steps:
      - run: echo "item=[\${{ steps.missing.outputs.x }}]"
`;
const unknownNeed = "name: Broken\non: push\njobs:\n  b:\n    needs: nowhere\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo broken-ran\n";

interface PlanJson {
  tiers: { workflows: { file: string; fired: boolean }[] }[];
}

test("a reference to a step that does not exist warns in plan and run and runs as on GitHub; lint reports it", () => {
  const r = repo({ ".github/workflows/good.yml": good, ".github/workflows/project.yml": missingStep });
  const lint = r.cli("lint");
  assert.notEqual(lint.code, 0, lint.stdout);
  assert.match(lint.stdout + lint.stderr, /project\.yml:7:\d+.*steps\.missing is not the id of a step/);

  const plan = r.cli("plan", "--json", "-");
  assert.equal(plan.code, 0, plan.stderr);
  assert.match(plan.stderr, /warning.*steps\.missing/);
  const fired = (JSON.parse(plan.stdout) as PlanJson).tiers.flatMap((t) => t.workflows.filter((w) => w.fired).map((w) => w.file));
  assert.deepEqual(fired.sort(), [".github/workflows/good.yml", ".github/workflows/project.yml"]);

  const run = r.cli("run", "--offline");
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stderr, /warning.*steps\.missing/);
  assert.match(run.stdout, /good-ran/);
  // The missing output is empty, as on GitHub.
  assert.match(run.stdout, /item=\[\]/);
});

test("a workflow GitHub refuses is left out and the others run, unless it is the one selected", () => {
  const r = repo({ ".github/workflows/good.yml": good, ".github/workflows/broken.yml": unknownNeed });
  const run = r.cli("run", "--offline");
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stderr, /broken\.yml:\d+:\d+: error/);
  assert.match(run.stderr, /\.github\/workflows\/broken\.yml is left out: GitHub refuses it/);
  assert.match(run.stdout, /good-ran/);
  assert.doesNotMatch(run.stdout, /broken-ran/);

  const plan = r.cli("plan", "--json", "-");
  assert.equal(plan.code, 0, plan.stderr);
  const files = (JSON.parse(plan.stdout) as PlanJson).tiers.flatMap((t) => t.workflows.map((w) => w.file));
  assert.deepEqual(files, [".github/workflows/good.yml"]);

  const selected = r.cli("run", "--offline", "-W", ".github/workflows/broken.yml");
  assert.equal(selected.code, 2, selected.stdout + selected.stderr);
  assert.match(selected.stderr, /nothing was run/);
});
