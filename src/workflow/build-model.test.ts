import assert from "node:assert/strict";
import { test } from "node:test";
import { buildWorkflow } from "./build-model.js";
import { parseYamlSource } from "./yaml-tree.js";

function model(text: string) {
  return buildWorkflow(parseYamlSource(".github/workflows/ci.yml", text), ".github/workflows/ci.yml");
}

test("a run block keeps exactly the text GitHub runs, expressions included", () => {
  const w = model(`on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "\${{ matrix.py }}"
          echo 'it''s'
            indented
        shell: bash
        working-directory: sub
        timeout-minutes: 3
        continue-on-error: \${{ matrix.experimental }}
`);
  const step = w.jobs[0]?.steps[0];
  assert.equal(step?.run, "echo \"${{ matrix.py }}\"\necho 'it''s'\n  indented\n");
  assert.equal(step?.shell, "bash");
  assert.equal(step?.workingDirectory, "sub");
  assert.equal(step?.timeoutMinutes, 3);
  assert.equal(step?.continueOnError, "${{ matrix.experimental }}");
  assert.deepEqual(step?.pos, { file: ".github/workflows/ci.yml", line: 6, col: 9 });
});

test("fields the parser's converted template drops are read from the document", () => {
  const w = model(`name: CI
run-name: Deploy by \${{ github.actor }}
on: [push, pull_request]
permissions: read-all
defaults:
  run:
    shell: sh
    working-directory: app
jobs:
  test:
    runs-on: ubuntu-latest
    permissions:
      contents: write
    timeout-minutes: 7
    continue-on-error: true
    defaults:
      run:
        shell: bash
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
          ref: main
`);
  assert.equal(w.name, "CI");
  assert.equal(w.runName, "Deploy by ${{ github.actor }}");
  assert.deepEqual(
    w.triggers.map((t) => t.event),
    ["push", "pull_request"],
  );
  assert.equal(w.permissions, "read-all");
  assert.deepEqual(w.defaults, { shell: "sh", workingDirectory: "app" });
  const job = w.jobs[0];
  assert.deepEqual(job?.permissions, { contents: "write" });
  assert.equal(job?.timeoutMinutes, 7);
  assert.equal(job?.continueOnError, true);
  assert.equal(job?.defaults?.shell, "bash");
  assert.deepEqual(job?.steps[0]?.with, { "fetch-depth": "0", ref: "main" });
});

test("YAML numbers become strings as GitHub prints them, matrices keep their types", () => {
  const w = model(`on: push
env:
  VERSION: 3.10
  FLAG: true
jobs:
  t:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        py: [3.10, "3.11"]
    steps: [{ run: echo }]
`);
  assert.deepEqual(w.env, { VERSION: "3.1", FLAG: "true" });
  assert.deepEqual(w.jobs[0]?.strategy?.matrix, { py: [3.1, "3.11"] });
  assert.equal(w.jobs[0]?.strategy?.failFast, true);
});

test("triggers carry filters, crons, typed inputs and reusable-workflow declarations", () => {
  const w = model(`on:
  push:
    branches: [main]
    paths-ignore: ["docs/**"]
  schedule:
    - cron: "0 2 * * *"
  workflow_dispatch:
    inputs:
      level:
        type: choice
        options: [a, b]
        default: a
      plain:
  workflow_call:
    inputs:
      n:
        type: number
        required: true
    outputs:
      out:
        value: \${{ jobs.t.outputs.x }}
    secrets:
      token:
        required: true
jobs:
  t:
    runs-on: ubuntu-latest
    steps: [{ run: echo }]
`);
  const [push, schedule, dispatch, call] = w.triggers;
  assert.deepEqual(push?.filters, { branches: ["main"], pathsIgnore: ["docs/**"] });
  assert.deepEqual(schedule?.crons, ["0 2 * * *"]);
  assert.deepEqual(
    dispatch?.inputs?.map((i) => [i.name, i.type, i.default, i.options]),
    [
      ["level", "choice", "a", ["a", "b"]],
      ["plain", "string", undefined, undefined],
    ],
  );
  assert.equal(call?.inputs?.[0]?.required, true);
  assert.deepEqual(call?.outputs, [{ name: "out", value: "${{ jobs.t.outputs.x }}", description: undefined }]);
  assert.deepEqual(call?.secrets, [{ name: "token", required: true }]);
});

test("a workflow without a name is named by its path, as on GitHub", () => {
  assert.equal(model("on: push\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n").name, ".github/workflows/ci.yml");
});
