// The real CLI on real temporary git repositories: what fires, what is refused.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import type { PlanJson } from "../../src/plan/plan-json.js";
import { repoFactory, type TempRepo } from "./harness.js";

const repo = repoFactory();

function planJson(r: TempRepo, ...args: string[]): PlanJson {
  const res = r.cli("plan", "--json", "-", ...args);
  assert.equal(res.code, 0, res.stderr);
  return JSON.parse(res.stdout) as PlanJson;
}

function workflow(plan: PlanJson, file: string) {
  const w = plan.tiers.flatMap((t) => t.workflows).find((x) => x.file.endsWith(file));
  assert.ok(w, `workflow ${file} not in plan`);
  return w;
}

const docsOnly = `
on:
  push:
    paths: ["src/**"]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo build
`;

describe("push path filters", () => {
  test("fires when a changed file matches paths", () => {
    const r = repo({ ".github/workflows/build.yml": docsOnly, "README.md": "x\n" });
    r.git("checkout", "-q", "-b", "feature");
    r.write({ "src/app.py": "print(1)\n" });
    r.commit("add app");
    const w = workflow(planJson(r, "--event", "push"), "build.yml");
    assert.equal(w.fired, true, w.reason);
    assert.deepEqual(
      w.jobs.map((j) => j.id),
      ["build"],
    );
  });

  test("does not fire when no changed file matches, and says why", () => {
    const r = repo({ ".github/workflows/build.yml": docsOnly, "README.md": "x\n" });
    r.git("checkout", "-q", "-b", "feature");
    r.write({ "docs/guide.md": "hello\n" });
    r.commit("docs");
    const w = workflow(planJson(r, "--event", "push"), "build.yml");
    assert.equal(w.fired, false);
    assert.match(w.reason, /paths/);
    assert.deepEqual(w.jobs, []);
  });

  test("an uncommitted file counts as changed", () => {
    const r = repo({ ".github/workflows/build.yml": docsOnly, "README.md": "x\n" });
    r.git("checkout", "-q", "-b", "feature");
    r.write({ "src/wip.py": "pass\n" });
    assert.equal(workflow(planJson(r, "--event", "push"), "build.yml").fired, true);
  });
});

test("branches-ignore skips a push to an ignored branch", () => {
  const r = repo({
    ".github/workflows/ci.yml": `
on:
  push:
    branches-ignore: ["release/**"]
jobs:
  test:
    runs-on: ubuntu-latest
    steps: [{ run: echo test }]
`,
  });
  r.git("checkout", "-q", "-b", "release/1.0");
  const w = workflow(planJson(r, "--event", "push"), "ci.yml");
  assert.equal(w.fired, false);
  assert.match(w.reason, /branches-ignore/);
  r.git("checkout", "-q", "-b", "feature/x");
  assert.equal(workflow(planJson(r, "--event", "push"), "ci.yml").fired, true);
});

test("pull_request types decide whether a workflow fires", () => {
  const r = repo({
    ".github/workflows/pr.yml": `
on:
  pull_request:
    types: [closed]
jobs:
  cleanup:
    runs-on: ubuntu-latest
    steps: [{ run: echo bye }]
`,
    "event-closed.json": JSON.stringify({ action: "closed", pull_request: { number: 7 } }),
  });
  r.git("checkout", "-q", "-b", "feature");
  const opened = workflow(planJson(r, "--event", "pull_request"), "pr.yml");
  assert.equal(opened.fired, false);
  assert.match(opened.reason, /types/);
  const closed = workflow(planJson(r, "--event", "pull_request", "--event-path", `${r.dir}/event-closed.json`), "pr.yml");
  assert.equal(closed.fired, true, closed.reason);
});

const dispatch = `
on:
  workflow_dispatch:
    inputs:
      environment:
        type: choice
        options: [staging, production]
        required: true
      dry-run:
        type: boolean
        default: true
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps: [{ run: "echo \${{ inputs.environment }}" }]
`;

test("workflow_dispatch with a missing required input exits 2 with a clear message", () => {
  const r = repo({ ".github/workflows/deploy.yml": dispatch });
  const res = r.cli("plan", "--event", "workflow_dispatch");
  assert.equal(res.code, 2);
  assert.match(res.stderr, /deploy\.yml:\d+:\d+: error: .*environment.*required/);
  assert.match(res.stderr, /--input/);
  assert.doesNotMatch(res.stderr, /at .*\.js:\d+/, "no stack trace");
});

test("workflow_dispatch with valid inputs fires; a choice outside options is refused", () => {
  const r = repo({ ".github/workflows/deploy.yml": dispatch });
  assert.equal(workflow(planJson(r, "--event", "workflow_dispatch", "--input", "environment=staging"), "deploy.yml").fired, true);
  const bad = r.cli("plan", "--event", "workflow_dispatch", "--input", "environment=moon");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /moon/);
});

test("matrix include/exclude expands as GitHub does, with GitHub's job names", () => {
  const r = repo({
    ".github/workflows/matrix.yml": `
on: push
jobs:
  unit-tests:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python: ["3.10", "3.11", "3.12"]
        os: [ubuntu, macos]
        exclude:
          - os: macos
            python: "3.10"
        include:
          - python: "3.11"
            coverage: true
          - python: "3.13"
            os: ubuntu
    steps: [{ run: echo hi }]
`,
  });
  const w = workflow(planJson(r, "--event", "push"), "matrix.yml");
  const names = w.jobs.map((j) => j.name);
  assert.equal(names.length, 6);
  assert.ok(names.includes("unit-tests (3.10, ubuntu)"), names.join(" | "));
  assert.ok(!names.includes("unit-tests (3.10, macos)"));
  const withCoverage = w.jobs.filter((j) => j.matrix?.["coverage"] === true).map((j) => j.matrix?.["os"]);
  assert.deepEqual(withCoverage.sort(), ["macos", "ubuntu"]);
  assert.ok(w.jobs.some((j) => j.matrix?.["python"] === "3.13"));
});

test("a cycle in needs is an error with the cycle and exit 2", () => {
  const r = repo({
    ".github/workflows/cycle.yml": `
on: push
jobs:
  a:
    needs: c
    runs-on: ubuntu-latest
    steps: [{ run: echo a }]
  b:
    needs: a
    runs-on: ubuntu-latest
    steps: [{ run: echo b }]
  c:
    needs: b
    runs-on: ubuntu-latest
    steps: [{ run: echo c }]
`,
  });
  for (const cmd of ["plan", "lint"]) {
    const res = r.cli(cmd);
    assert.equal(res.code, 2, `${cmd}: ${res.stdout}${res.stderr}`);
    assert.match(res.stderr, /cycle\.yml:\d+:\d+: error: .*(cycle|circular)/i);
  }
});

test("tiers.yml naming an unknown workflow is an error with its line", () => {
  const r = repo({
    ".github/workflows/lint.yml": "on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps: [{ run: echo lint }]\n",
    ".github/tiers.yml": "tiers:\n  - name: fast\n    budget: 5m\n    workflows: [lint.yml, missing.yml]\n",
  });
  const res = r.cli("lint");
  assert.equal(res.code, 2);
  assert.match(res.stderr, /\.github\/tiers\.yml:4:\d+: error: tier 'fast' names unknown workflow 'missing\.yml'/);
  assert.match(res.stderr, /lint\.yml/, "the hint lists the workflows that exist");
});

test("all errors of all files are reported in one pass", () => {
  const r = repo({
    ".github/workflows/one.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n",
    ".github/workflows/two.yml": "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ nosuch.value }}\n",
  });
  const res = r.cli("lint");
  assert.equal(res.code, 2);
  assert.match(res.stderr, /one\.yml:5:5: error/);
  assert.match(res.stderr, /two\.yml:6:\d+: error: .*nosuch/);
});

test("tiers order the plan and unlisted workflows form a last tier", () => {
  const job = (n: string) => `on: push\njobs:\n  ${n}:\n    runs-on: ubuntu-latest\n    steps: [{ run: echo ${n} }]\n`;
  const r = repo({
    ".github/workflows/lint.yml": job("lint"),
    ".github/workflows/test.yml": job("test"),
    ".github/workflows/extra.yml": job("extra"),
    ".github/tiers.yml": "tiers:\n  - name: gates\n    budget: 5m\n    workflows: [lint.yml]\n  - name: core\n    budget: 15m\n    workflows: [test.yml]\n",
  });
  const plan = planJson(r, "--event", "push");
  assert.deepEqual(
    plan.tiers.map((t) => [t.name, t.budget_ms, t.workflows.map((w) => w.file)]),
    [
      ["gates", 300000, [".github/workflows/lint.yml"]],
      ["core", 900000, [".github/workflows/test.yml"]],
      ["unlisted", null, [".github/workflows/extra.yml"]],
    ],
  );
});

test("a directory that is not a repository with workflows is a usage error, not a crash", () => {
  const r = repo({ "README.md": "nothing\n" });
  const res = r.cli("plan");
  assert.equal(res.code, 2);
  assert.match(res.stderr, /no workflow files/);
});

test("output piped into a reader that stops early ends quietly, without a stack trace", () => {
  // `true` exits before tierci writes, so every write meets a closed pipe.
  const res = spawnSync("bash", ["-c", "set -o pipefail; node bin/tierci.js graph --repo examples/trading-bot --format mermaid | true"], { encoding: "utf8" });
  assert.equal(res.stderr, "");
  assert.equal(res.status, 0);
});
