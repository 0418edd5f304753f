// Load + validate + plan a repository of 72 realistic workflows, against parsing the
// same files with the bare `yaml` package in the same run.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { synthesizeEvent } from "../src/plan/event-payload.js";
import { buildPlan } from "../src/plan/plan.js";
import { loadRepository } from "../src/workflow/load.js";
import { report, timeRuns } from "./stats.js";

const KINDS = ["lint", "unit", "integration", "deploy", "nightly", "release"] as const;

function workflowText(kind: (typeof KINDS)[number], n: number): string {
  const matrix =
    kind === "unit"
      ? `
    strategy:
      fail-fast: false
      matrix:
        python: ["3.10", "3.11", "3.12"]
        os: [ubuntu-latest, macos-latest]
        exclude:
          - os: macos-latest
            python: "3.10"
        include:
          - python: "3.11"
            coverage: true`
      : "";
  return `name: ${kind} ${n}
on:
  push:
    branches: [main, "release/**"]
    paths: ["src/**", "tests/**", "pyproject.toml"]
  pull_request:
    types: [opened, synchronize, reopened]
  schedule:
    - cron: "${n % 60} 3 * * 1-5"
  workflow_dispatch:
    inputs:
      level:
        type: choice
        options: [quick, full]
        default: quick
permissions:
  contents: read
concurrency:
  group: ${kind}-${n}-\${{ github.ref }}
  cancel-in-progress: true
env:
  PIP_DISABLE_PIP_VERSION_CHECK: "1"
jobs:
  prepare:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    outputs:
      version: \${{ steps.v.outputs.version }}
    steps:
      - uses: actions/checkout@v4
      - id: v
        run: echo "version=1.\${{ github.run_number }}" >> "$GITHUB_OUTPUT"
  ${kind}:
    needs: prepare
    runs-on: \${{ matrix.os || 'ubuntu-latest' }}
    timeout-minutes: 15${matrix}
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v5
        with:
          python-version: "\${{ matrix.python || '3.11' }}"
          cache: pip
          cache-dependency-path: |
            requirements*.txt
            pyproject.toml
      - uses: actions/cache@v4
        with:
          path: ~/.cache/pre-commit
          key: pre-commit-\${{ hashFiles('.pre-commit-config.yaml') }}
      - name: Install
        run: |
          python -m pip install -U pip
          pip install -r requirements.txt
      - name: Run
        if: \${{ github.event_name != 'schedule' || inputs.level == 'full' }}
        run: |
          echo "version \${{ needs.prepare.outputs.version }}"
          python -m pytest -q
      - uses: actions/upload-artifact@v4
        if: failure()
        with:
          name: reports-${n}-\${{ strategy.job-index }}
          path: reports/
          retention-days: 7
  report:
    needs: [${kind}]
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ needs.${kind}.result }}"
`;
}

function makeRepo(count: number): string {
  const dir = mkdtempSync(join(tmpdir(), "tierci-bench-"));
  mkdirSync(join(dir, ".github", "workflows"), { recursive: true });
  for (let i = 0; i < count; i++) {
    const kind = KINDS[i % KINDS.length] ?? "lint";
    writeFileSync(join(dir, ".github", "workflows", `${kind}-${i}.yml`), workflowText(kind, i));
  }
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src", "app.py"), "print('hi')\n");
  const env = { ...process.env, GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@example.com", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@example.com" };
  for (const args of [
    ["init", "-q", "-b", "main"],
    ["add", "-A"],
    ["commit", "-q", "-m", "init"],
  ]) {
    spawnSync("git", args, { cwd: dir, env });
  }
  return dir;
}

export async function benchLoadPlan(): Promise<void> {
  const dir = makeRepo(72);
  try {
    const wfDir = join(dir, ".github", "workflows");
    const files = readdirSync(wfDir).map((f) => join(wfDir, f));
    const runs = 9;
    const ours = await timeRuns(runs, async () => {
      const repo = await loadRepository(dir);
      if (repo.diagnostics.some((d) => d.severity === "error")) throw new Error(`bench repo invalid: ${repo.diagnostics[0]?.message}`);
      const ev = synthesizeEvent(dir, "push", { actor: "bench" });
      const { plan, diagnostics } = buildPlan(repo, {
        name: "push",
        payload: ev.payload,
        facts: ev.facts,
        sha: ev.sha,
        ref: ev.ref,
        actor: "bench",
        repository: "bench/repo",
        inputs: {},
        vars: {},
      });
      if (diagnostics.length > 0 || plan.tiers.length === 0) throw new Error("bench plan failed");
    });
    const bare = await timeRuns(runs, () => files.map((f) => parse(readFileSync(f, "utf8"))));
    report("load-plan (72 workflows)", "tierci load+validate+plan", ours, "bare yaml parse", bare);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
