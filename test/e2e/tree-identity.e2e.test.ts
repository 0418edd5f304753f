// Exact-tree identity on real repositories through the CLI: flakiness keyed on the tree a job
// tested (uncommitted changes included), and result reuse of jobs whose inputs are identical.
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { HealthReport } from "../../src/reports/health/health.js";
import type { RunSummary } from "../../src/reports/run-summary.js";
import { repoFactory, runCli, type TempRepo } from "./harness.js";

const newRepo = repoFactory();
const scratch = mkdtempSync(join(tmpdir(), "tierci-tree-identity-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

// One test whose result is what value.txt says, and, when FLAG_FILE names a file outside the
// repository, what that file says: a dependency the tree does not hold, as a flaky test has.
const TEST_WORKFLOW = `name: Tests
on: [push]
jobs:
  unit:
    runs-on: ubuntu-latest
    steps:
      - run: |
          mkdir -p reports
          ok=1
          grep -q good value.txt || ok=0
          if [ -n "$FLAG_FILE" ] && ! grep -q good "$FLAG_FILE"; then ok=0; fi
          if [ $ok = 1 ]; then body=''; else body='<failure message="value is bad"/>'; fi
          printf '<testsuite name="s" tests="1"><testcase classname="c" name="test_value" time="0.1">%s</testcase></testsuite>' "$body" > reports/junit.xml
          [ $ok = 1 ]
`;

let counter = 0;
function summaryOf(repo: TempRepo, ...args: string[]): { code: number; summary: RunSummary; output: string } {
  const file = join(scratch, `summary-${counter++}.json`);
  const r = repo.cli("run", "--event", "push", "--json", file, ...args);
  return { code: r.code, summary: JSON.parse(readFileSync(file, "utf8")) as RunSummary, output: r.stdout + r.stderr };
}

function health(repo: TempRepo): HealthReport {
  const r = repo.cli("health", "--json", "-");
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as HealthReport;
}

test("a failure fixed without committing is a fix, not flakiness; pass, fail, pass on one unchanged dirty tree is flaky", () => {
  const repo = newRepo({ ".github/workflows/tests.yml": TEST_WORKFLOW, "value.txt": "bad\n", ".gitignore": "reports/\n" });
  assert.equal(summaryOf(repo).code, 1);
  repo.write({ "value.txt": "good\n" });
  assert.equal(summaryOf(repo).code, 0);
  let report = health(repo);
  assert.deepEqual(
    report.flaky.map((t) => t.name),
    [],
    "fail then fix on the same commit is not flaky",
  );

  // The tree stays as it is (dirty, uncommitted); only a file outside it changes between runs.
  const flag = join(scratch, "flag");
  const runWith = (value: string): number => {
    writeFileSync(flag, value);
    return repo.cli("run", "--event", "push", "--env", `FLAG_FILE=${flag}`).code;
  };
  assert.deepEqual([runWith("good"), runWith("bad"), runWith("good")], [0, 1, 0]);
  report = health(repo);
  assert.deepEqual(
    report.flaky.map((t) => [t.name, t.last_flaky?.reason]),
    [["test_value", "same-tree"]],
  );
  assert.match(repo.cli("health").stdout, /passed and failed on one tree/);
});

const twoWorkflows = (): Record<string, string> => ({
  ".github/workflows/a.yml": `name: A
on:
  push:
    paths: ["a/**", "shared/**"]
jobs:
  build-a:
    runs-on: ubuntu-latest
    outputs:
      digest: \${{ steps.d.outputs.digest }}
    steps:
      - id: d
        run: |
          echo "digest=$(cat a/input.txt shared/lib.txt | sha256sum | cut -c1-12)" >> "$GITHUB_OUTPUT"
          echo "::warning file=a/input.txt,line=1::a is read"
  use-a:
    needs: build-a
    runs-on: ubuntu-latest
    steps:
      - run: test -n "\${{ needs.build-a.outputs.digest }}"
`,
  ".github/workflows/b.yml": `name: B
on:
  push:
    paths: ["b/**", "shared/**"]
jobs:
  build-b:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        n: [1, 2]
    steps:
      - run: cat b/input.txt
`,
  ".github/tiers.yml": "reuse: exact\ntiers:\n  - name: all\n    workflows: [a.yml, b.yml]\n",
  "a/input.txt": "a1\n",
  "b/input.txt": "b1\n",
  "shared/lib.txt": "lib\n",
});

const reusedJobs = (s: RunSummary): string[] =>
  s.jobs
    .filter((j) => j.reused_from)
    .map((j) => j.name)
    .sort();

test("reuse: an unchanged tree reuses every job with its outputs and annotations; a byte changed under one workflow's paths reruns only its jobs", () => {
  const repo = newRepo(twoWorkflows());
  const first = summaryOf(repo);
  assert.equal(first.code, 0, first.output);
  assert.deepEqual(reusedJobs(first.summary), []);

  const plan = JSON.parse(repo.cli("plan", "--event", "push", "--json", "-").stdout) as {
    tiers: { workflows: { jobs: { id: string; reuse?: { reused: boolean; from_run: number | null } }[] }[] }[];
  };
  const predicted = plan.tiers.flatMap((t) => t.workflows.flatMap((w) => w.jobs.map((j) => [j.id, j.reuse?.reused, j.reuse?.from_run])));
  assert.deepEqual(predicted, [
    ["build-a", true, 1],
    ["use-a", true, 1],
    ["build-b", true, 1],
    ["build-b", true, 1],
  ]);

  const second = summaryOf(repo);
  assert.equal(second.code, 0, second.output);
  assert.deepEqual(reusedJobs(second.summary), ["build-a", "build-b (1)", "build-b (2)", "use-a"]);
  assert.ok(second.summary.jobs.every((j) => j.conclusion === "success" && j.reused_from?.run === 1));
  assert.deepEqual(
    second.summary.jobs.find((j) => j.job_id === "build-a")?.annotations.map((a) => a.message),
    ["a is read"],
  );
  assert.match(second.output, /a.yml \/ build-a: success \(reused from run #1\)/);
  assert.match(repo.cli("logs", "2").stdout, /Reused from run #1/);

  repo.write({ "a/input.txt": "a2\n" });
  const third = summaryOf(repo);
  assert.equal(third.code, 0, third.output);
  assert.deepEqual(reusedJobs(third.summary), ["build-b (1)", "build-b (2)"], "only A's jobs see a/input.txt");

  const forced = summaryOf(repo, "--no-reuse");
  assert.deepEqual(reusedJobs(forced.summary), []);
});

test("reuse: the workflow file, an input, a tool's binary or a secret changing reruns; the secret is never stored", () => {
  const bin = mkdtempSync(join(scratch, "bin-"));
  const tool = join(bin, "mytool");
  writeFileSync(tool, "#!/bin/sh\necho tool v1\n");
  chmodSync(tool, 0o755);
  const repo = newRepo({
    ".github/workflows/ci.yml": `name: CI
on:
  workflow_dispatch:
    inputs:
      level:
        type: string
        default: low
jobs:
  tool:
    runs-on: ubuntu-latest
    steps:
      - run: mytool
  secret:
    runs-on: ubuntu-latest
    steps:
      - run: test -n "\${{ secrets.API_TOKEN }}"
  input:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ inputs.level }}"
`,
  });
  const env = { PATH: `${bin}:${process.env["PATH"] ?? ""}` };
  const secretOne = "s3cr3t-value-one-7f3a91";
  const secretTwo = "s3cr3t-value-two-c4e802";
  const run = (secret: string, ...extra: string[]): RunSummary => {
    const file = join(scratch, `summary-${counter++}.json`);
    const r = runCli(
      ["run", "--event", "workflow_dispatch", "--reuse", "--secret", `API_TOKEN=${secret}`, "--json", file, "--repo", repo.dir, ...extra],
      undefined,
      { env },
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    return JSON.parse(readFileSync(file, "utf8")) as RunSummary;
  };
  const reused = (s: RunSummary): string[] => reusedJobs(s);
  run(secretOne);
  assert.deepEqual(reused(run(secretOne)), ["input", "secret", "tool"]);
  assert.deepEqual(reused(run(secretTwo)), ["input", "tool"], "another secret value reruns the job that reads it");
  // Every job of a dispatched workflow sees its inputs context: another input reruns them all.
  assert.deepEqual(reused(run(secretTwo, "--input", "level=high")), [], "another input reruns the workflow's jobs");
  writeFileSync(tool, "#!/bin/sh\necho tool v2, a bigger build\n");
  assert.deepEqual(reused(run(secretTwo)).includes("tool"), false, "another binary of the tool reruns the job that runs it");
  repo.write({ ".github/workflows/ci.yml": readFileSync(join(repo.dir, ".github/workflows/ci.yml"), "utf8").replace("default: low", "default: medium") });
  assert.deepEqual(reused(run(secretTwo)), [], "an edited workflow file reruns its jobs");

  // Byte-wise, every file of the state directory: neither secret, nor their hex or base64.
  const forms = [secretOne, secretTwo].flatMap((s) => [s, Buffer.from(s).toString("hex"), Buffer.from(s).toString("base64")]);
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? walk(p) : [p];
    });
  for (const file of walk(join(repo.dir, ".tierci"))) {
    const bytes = readFileSync(file);
    for (const form of forms) assert.equal(bytes.includes(form), false, `${file} holds a secret`);
  }
});

test("reuse refuses what is not a function of its inputs: a scheduled run, an always() job, a step that reads the network", () => {
  const repo = newRepo({
    ".github/workflows/ci.yml": `name: CI
on: [push]
jobs:
  fetch:
    runs-on: ubuntu-latest
    steps:
      - run: command -v curl >/dev/null && true || true; echo "curl https://example.invalid would run here" > /dev/null
  pure:
    runs-on: ubuntu-latest
    steps:
      - run: echo pure
  last:
    if: always()
    needs: pure
    runs-on: ubuntu-latest
    steps:
      - run: echo last
`,
    ".github/tiers.yml": "reuse: exact\ntiers:\n  - name: all\n    workflows: [ci.yml]\n",
  });
  summaryOf(repo);
  const plan = repo.cli("plan", "--event", "push");
  assert.match(plan.stdout, /- fetch {2}runs: step 1 runs curl, which reads the network/);
  assert.match(plan.stdout, /- pure {2}reused from run #1/);
  assert.match(plan.stdout, /- last {2}needs: pure {2}runs: the job runs always\(\)/);
  const second = summaryOf(repo);
  assert.deepEqual(reusedJobs(second.summary), ["pure"]);
});
