// `tierci run` end to end on real temporary repositories: gating, fail-fast, timeouts
// and cancellation that leave no process behind, and masking everywhere a secret could leak.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { RunSummary } from "../../src/reports/run-summary.js";
import { alive, repoFactory, runCli, startCli, waitFor, type TempRepo } from "./harness.js";

const repo = repoFactory();

function summaryOf(r: TempRepo, ...args: string[]): { code: number; summary: RunSummary; output: string } {
  const res = r.cli("run", "--offline", "--json", "-", ...args);
  let summary: RunSummary;
  try {
    summary = JSON.parse(res.stdout) as RunSummary;
  } catch {
    throw new Error(`no JSON summary (exit ${res.code}):\n${res.stdout}\n${res.stderr}`);
  }
  return { code: res.code, summary, output: res.stderr };
}

const job = (name: string, run: string): string => `on: push\njobs:\n  ${name}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${run}\n`;

test("tier 2 never starts when tier 1 fails; --no-gate runs every tier at once", () => {
  const r = repo({
    ".github/workflows/lint.yml": job("lint", "exit 3"),
    ".github/workflows/test.yml": job("test", "echo tests ran"),
    ".github/tiers.yml": "tiers:\n  - name: gates\n    budget: 5m\n    workflows: [lint.yml]\n  - name: core\n    budget: 15m\n    workflows: [test.yml]\n",
  });
  const gated = summaryOf(r);
  assert.equal(gated.code, 1);
  assert.equal(gated.summary.status, "failure");
  assert.deepEqual(
    gated.summary.tiers.map((t) => [t.name, t.status]),
    [
      ["gates", "failure"],
      ["core", "skipped"],
    ],
  );
  const test = gated.summary.jobs.find((j) => j.job_id === "test");
  assert.equal(test?.conclusion, "skipped");
  assert.deepEqual(test?.steps, [], "no step of tier 2 ran");
  const lint = gated.summary.jobs.find((j) => j.job_id === "lint");
  assert.equal(lint?.steps[0]?.conclusion, "failure");
  assert.match(lint?.annotations.map((a) => a.message).join("\n") ?? "", /exit code 3/);

  const open = summaryOf(r, "--no-gate");
  assert.equal(open.summary.jobs.find((j) => j.job_id === "test")?.conclusion, "success");
});

test("fail-fast cancels running matrix siblings at once", () => {
  const r = repo({
    ".github/workflows/m.yml": `on: push
jobs:
  unit:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        n: [1, 2, 3]
    steps:
      - run: |
          if [ "\${{ matrix.n }}" = 1 ]; then sleep 1; exit 1; fi
          sleep 60
`,
  });
  const start = Date.now();
  const res = summaryOf(r, "--jobs", "3");
  assert.ok(Date.now() - start < 45_000, "siblings were not left to sleep");
  assert.equal(res.code, 1);
  assert.deepEqual(
    res.summary.jobs.map((j) => [j.name, j.conclusion]),
    [
      ["unit (1)", "failure"],
      ["unit (2)", "cancelled"],
      ["unit (3)", "cancelled"],
    ],
  );
});

test("a step timeout kills the step and every process it started in the background", async () => {
  const r = repo({
    ".github/workflows/t.yml": `on: push
jobs:
  slow:
    runs-on: ubuntu-latest
    steps:
      - timeout-minutes: 0.05
        run: |
          sleep 300 &
          echo $! >> "$PIDS"
          setsid sleep 301 &
          echo $! >> "$PIDS"
          ( sleep 302 & echo $! >> "$PIDS"; wait ) &
          sleep 303
      - if: always()
        run: echo cleanup ran
`,
  });
  const pidFile = join(r.dir, "..", `${r.dir.split("/").pop()}-pids`);
  writeFileSync(pidFile, "");
  const res = summaryOf(r, "--env", `PIDS=${pidFile}`);
  assert.equal(res.code, 1);
  const slow = res.summary.jobs[0];
  assert.equal(slow?.steps[0]?.conclusion, "failure");
  assert.match(slow?.annotations.map((a) => a.message).join("\n") ?? "", /timed out after 0.05 minutes/);
  assert.equal(slow?.steps[1]?.conclusion, "success", "the always() step still ran");
  const pids = readFileSync(pidFile, "utf8").split("\n").filter(Boolean).map(Number);
  assert.equal(pids.length, 3);
  await waitFor(() => pids.every((p) => !alive(p)), 5000, "background processes to be gone");
});

test("Ctrl-C cancels the run, still runs always() steps, and leaves no process behind", async () => {
  const r = repo({
    ".github/workflows/c.yml": `on: push
jobs:
  long:
    runs-on: ubuntu-latest
    steps:
      - run: |
          sleep 310 &
          echo "bg=$!"
          echo started
          sleep 311
      - if: always()
        run: echo "always-ran status=\${{ job.status }}"
      - run: echo should-not-run
`,
  });
  const run = startCli(["run", "--repo", r.dir, "--offline"]);
  await waitFor(() => run.output().includes("started"), 20_000, "the step to start");
  const bg = Number(/bg=(\d+)/.exec(run.output())?.[1]);
  run.child.kill("SIGINT");
  const code = await run.done;
  const out = run.output();
  assert.equal(code, 1, out);
  assert.match(out, /cancelling the run/);
  assert.match(out, /always-ran status=cancelled/);
  assert.doesNotMatch(out, /\] {3}should-not-run$/m, "the step after the cancelled one did not run");
  assert.match(out, /run #\d+ cancelled/);
  assert.equal(alive(bg), false, "the background sleep was killed");
});

test("secrets are masked in logs, annotations, the step summary, outputs, the JSON summary and the database", () => {
  const secret = "s3cr3t-Pa55-word-42";
  const multi = "first-line-of-key\nsecond-line-of-key";
  const r = repo({
    ".github/workflows/s.yml": `on: push
jobs:
  leak:
    runs-on: ubuntu-latest
    outputs:
      token: \${{ steps.o.outputs.token }}
    steps:
      - id: o
        env:
          TOKEN: \${{ secrets.TOKEN }}
          KEY: \${{ secrets.KEY }}
        run: |
          echo "plain $TOKEN"
          echo "$KEY"
          printf '%s' "$TOKEN" | base64
          echo "x$(printf '%s' "$TOKEN" | base64)y"
          echo "::error title=$TOKEN::bad $TOKEN"
          echo "summary $TOKEN" >> "$GITHUB_STEP_SUMMARY"
          echo "token=$TOKEN" >> "$GITHUB_OUTPUT"
          echo "::add-mask::runtime-value-77"
          echo "later runtime-value-77"
`,
  });
  const secretFile = join(r.dir, "..", `${r.dir.split("/").pop()}.env`);
  writeFileSync(secretFile, `KEY="${multi.replace("\n", "\\n")}"\n`);
  const res = summaryOf(r, "--secret", `TOKEN=${secret}`, "--secret-file", secretFile);
  const forbidden = [secret, "first-line-of-key", "second-line-of-key", Buffer.from(secret).toString("base64").slice(0, 20), "runtime-value-77"];
  const json = JSON.stringify(res.summary);
  const logs = runCli(["logs", "1", "--repo", r.dir]);
  assert.match(logs.stdout, /plain \*\*\*/);
  assert.match(logs.stdout, /later \*\*\*/);
  assert.match(json, /summary \*\*\*/);
  const dbDir = join(r.dir, ".tierci");
  const dbBytes = readdirSync(dbDir)
    .filter((f) => f.startsWith("tierci.db"))
    .map((f) => readFileSync(join(dbDir, f)).toString("latin1"))
    .join("");
  for (const text of forbidden) {
    assert.ok(!res.output.includes(text), `terminal output leaks ${text}`);
    assert.ok(!json.includes(text), `JSON summary leaks ${text}`);
    assert.ok(!logs.stdout.includes(text), `stored logs leak ${text}`);
    assert.ok(!dbBytes.includes(text), `database file leaks ${text}`);
  }
  assert.match(res.output, /Skip output 'token' since it may contain secret/);
});

test("a step printing 50 MB without a newline is cut, not crashed on, and the run goes on", () => {
  const r = repo({
    ".github/workflows/big.yml": `on: push
jobs:
  loud:
    runs-on: ubuntu-latest
    steps:
      - run: head -c 50000000 /dev/zero | tr '\\0' a
      - run: echo after-the-flood
`,
  });
  const res = summaryOf(r);
  assert.equal(res.code, 0);
  assert.deepEqual(
    res.summary.jobs[0]?.steps.map((s) => s.conclusion),
    ["success", "success"],
  );
  const logs = r.cli("logs", "1");
  assert.match(logs.stdout, /… \[48951424 more characters of this line were not kept/);
  assert.match(logs.stdout, /after-the-flood/);
});

test("timeouts beyond the timer's limit (36000 minutes) do not fire at once, at job or step level", () => {
  const r = repo({
    ".github/workflows/long.yml": `on: push
jobs:
  patient:
    runs-on: ubuntu-latest
    timeout-minutes: 36000
    steps:
      - timeout-minutes: 36000
        run: sleep 1 && echo slept
`,
  });
  const res = summaryOf(r);
  assert.equal(res.code, 0, JSON.stringify(res.summary.jobs[0]?.annotations));
  assert.equal(res.summary.jobs[0]?.steps[0]?.conclusion, "success");
});
