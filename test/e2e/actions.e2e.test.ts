// Actions in real runs: JavaScript actions with pre and post, remote actions from an
// action directory, a missing remote action offline, and container-only work failing
// its own job while the rest of the pipeline goes on.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { RunSummary } from "../../src/reports/run-summary.js";
import { runCli, TempRepo } from "./harness.js";

const cleanup: (() => void)[] = [];
after(() => cleanup.forEach((f) => f()));

function repo(files: Record<string, string>): TempRepo {
  const r = new TempRepo(files);
  cleanup.push(() => r.remove());
  return r;
}

function run(r: TempRepo, ...args: string[]): { code: number; summary: RunSummary; logs: string } {
  const res = r.cli("run", "--offline", "--json", "-", ...args);
  const summary = JSON.parse(res.stdout) as RunSummary;
  const logs = runCli(["logs", String(summary.run_number), "--repo", r.dir]).stdout;
  return { code: res.code, summary, logs };
}

const jsAction = {
  "act/action.yml": `name: js
inputs:
  who:
    default: world
  Mixed Case:
    required: false
outputs:
  said:
    description: what it said
runs:
  using: node20
  pre: pre.js
  main: main.js
  post: post.js
`,
  "act/pre.js": `const fs = require("fs");
console.log("pre runs first");
fs.appendFileSync(process.env.GITHUB_STATE, "started=yes\\n");
`,
  "act/main.js": `const fs = require("fs");
console.log("hello " + process.env.INPUT_WHO + " / " + process.env["INPUT_MIXED_CASE"]);
fs.appendFileSync(process.env.GITHUB_OUTPUT, "said=hello " + process.env.INPUT_WHO + "\\n");
`,
  "act/post.js": `console.log("post sees state " + process.env.STATE_started);
`,
};

test("a JavaScript action gets INPUT_ variables, and pre, main and post run in order with state", () => {
  const r = repo({
    ...jsAction,
    ".github/workflows/js.yml": `on: push
jobs:
  js:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - id: a
        uses: ./act
        with:
          Mixed Case: yes
      - run: test "\${{ steps.a.outputs.said }}" = "hello world"
`,
  });
  const res = run(r);
  assert.equal(res.code, 0, res.logs);
  const order = ["pre runs first", "hello world / yes", "post sees state yes"].map((l) => res.logs.indexOf(l));
  assert.ok(
    order.every((i) => i >= 0),
    res.logs,
  );
  assert.deepEqual(
    [...order].sort((a, b) => a - b),
    order,
    "pre, main, post in that order",
  );
  assert.deepEqual(
    res.summary.jobs[0]?.steps.map((s) => s.name),
    ["Run actions/checkout@v4", "Run ./act", 'Run test "${{ steps.a.outputs.said }}" = "hello world"', "Post Run ./act"],
  );
});

test("a remote action comes from --action-dir; one that is absent offline fails with how to provide it", () => {
  const actions = mkdtempSync(join(tmpdir(), "tierci-actions-"));
  cleanup.push(() => rmSync(actions, { recursive: true, force: true }));
  const dir = join(actions, "octo", "greet@v1", "sub");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "action.yml"),
    `name: greet
inputs:
  name: { required: true }
outputs:
  greeting:
    value: \${{ steps.g.outputs.greeting }}
runs:
  using: composite
  steps:
    - id: g
      shell: bash
      run: echo "greeting=hi \${{ inputs.name }} from $GITHUB_ACTION_PATH" >> "$GITHUB_OUTPUT"
`,
  );
  const r = repo({
    ".github/workflows/remote.yml": `on: push
jobs:
  ok:
    runs-on: ubuntu-latest
    steps:
      - id: greet
        uses: octo/greet/sub@v1
        with:
          name: mona
      - run: echo "\${{ steps.greet.outputs.greeting }}"
  missing:
    runs-on: ubuntu-latest
    steps:
      - uses: octo/absent@v2
`,
  });
  const res = run(r, "--action-dir", actions);
  assert.match(res.logs, new RegExp(`hi mona from ${dir}`));
  const byId = Object.fromEntries(res.summary.jobs.map((j) => [j.job_id, j]));
  assert.equal(byId["ok"]?.conclusion, "success");
  assert.equal(byId["missing"]?.conclusion, "failure");
  assert.match(byId["missing"]?.annotations[0]?.message ?? "", /not available offline.*octo\/absent@v2.*--action-dir/);
  assert.equal(byId["missing"]?.annotations[0]?.line, 14);
});

test("container jobs and Docker actions fail their own job with a clear message; other jobs still run", () => {
  const r = repo({
    ".github/workflows/c.yml": `on: push
jobs:
  in-container:
    runs-on: ubuntu-latest
    container: node:20
    steps: [{ run: echo hi }]
  docker-step:
    runs-on: ubuntu-latest
    steps:
      - uses: docker://alpine:3
  host:
    runs-on: ubuntu-latest
    steps: [{ run: echo host-ran }]
`,
  });
  const res = run(r);
  assert.equal(res.code, 1);
  const byId = Object.fromEntries(res.summary.jobs.map((j) => [j.job_id, j]));
  assert.match(byId["in-container"]?.annotations[0]?.message ?? "", /needs a container engine/);
  assert.match(byId["docker-step"]?.annotations[0]?.message ?? "", /alpine:3.*needs a container engine/);
  assert.equal(byId["host"]?.conclusion, "success");
});

test("env files, PATH additions and the refused legacy set-env reach later steps as on GitHub", () => {
  const r = repo({
    ".github/workflows/env.yml": `on: push
env:
  LEVEL: workflow
jobs:
  env:
    runs-on: ubuntu-latest
    env:
      LEVEL: job
    steps:
      - run: |
          echo "FROM_FILE=one" >> "$GITHUB_ENV"
          { echo "MULTI<<EOF"; echo "a"; echo "b"; echo "EOF"; } >> "$GITHUB_ENV"
          mkdir -p "$RUNNER_TEMP/bin" && printf '#!/bin/sh\\necho tool-ok\\n' > "$RUNNER_TEMP/bin/mytool" && chmod +x "$RUNNER_TEMP/bin/mytool"
          echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
          echo "::set-env name=LEGACY::x"
        continue-on-error: true
      - env:
          LEVEL: step
        run: |
          test "$FROM_FILE" = one
          test "$MULTI" = "$(printf 'a\\nb')"
          test "$LEVEL" = step
          test -z "$LEGACY"
          mytool
      - run: test "\${{ env.LEVEL }}" = job && test "$HOME" != "$ORIGINAL_HOME"
        env:
          ORIGINAL_HOME: ${process.env["HOME"] ?? "/root"}
`,
  });
  const res = run(r);
  assert.equal(res.code, 0, res.logs);
  assert.match(res.logs, /tool-ok/);
  const first = res.summary.jobs[0]?.steps[0];
  assert.deepEqual([first?.outcome, first?.conclusion], ["failure", "success"], "set-env is refused and fails the step");
  assert.match(res.summary.jobs[0]?.annotations.map((a) => a.message).join("\n") ?? "", /set-env` command is disabled/);
});
