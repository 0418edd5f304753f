// The run database stays bounded: `tierci logs` streams a job's log in constant memory,
// `tierci runs prune` deletes old runs with their logs and artifacts, and `--log-cap` caps
// what one job may store.
import assert from "node:assert/strict";
import { existsSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { defaultStorePath, openStore } from "../../src/store/index.js";
import { tempDir } from "../support/git-repo.js";
import { repoFactory, runCli } from "./harness.js";

const repo = repoFactory();

test("tierci logs prints a log far larger than its heap, as text and as JSON", () => {
  const r = repo({ "README.md": "x\n" });
  const store = openStore(defaultStorePath(r.dir));
  const run = store.createRun({ repoRoot: r.dir, event: "push", ref: "refs/heads/main", sha: "a".repeat(40), actor: "dev" });
  const job = store.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: "big", name: "big", startedAt: run.startedAt });
  const lines = 400_000;
  for (let i = 0; i < lines; i++) store.appendLog({ jobRowId: job.id, stepIndex: null, stream: "stdout", text: `line ${i} ${"z".repeat(150)}` });
  store.finishJob(job.id, "success");
  store.finishRun(run.id, { conclusion: "success" });
  store.close();

  // About 65 MB of text: held in memory as rows, it would not fit in a 32 MB heap.
  const small = { env: { NODE_OPTIONS: "--max-old-space-size=32" } };
  const text = runCli(["logs", "1", "--repo", r.dir], undefined, small);
  assert.equal(text.code, 0, text.stderr.slice(0, 2000));
  assert.ok(text.stdout.includes(`line ${lines - 1} z`), "the last line is printed");
  assert.equal(text.stdout.split("\n").length, lines + 3);

  const json = runCli(["logs", "1", "--repo", r.dir, "--json", "-"], undefined, small);
  assert.equal(json.code, 0, json.stderr.slice(0, 2000));
  const doc = JSON.parse(json.stdout) as { run: { id: string }; jobs: { job: { name: string }; lines: { seq: number; text: string }[] }[] };
  assert.equal(doc.run.id, run.id);
  assert.equal(doc.jobs[0]?.lines.length, lines);
  assert.equal(doc.jobs[0]?.lines[lines - 1]?.seq, lines);
});

const chatty = `on: push
jobs:
  chatty:
    runs-on: ubuntu-latest
    steps:
      - run: for i in $(seq 1 2000); do echo "line $i of a chatty step that prints quite a lot"; done
      - uses: actions/upload-artifact@v4
        with:
          name: out
          path: README.md
`;

test("runs prune removes old runs with their logs and artifacts, says what it removed, and --dry-run removes nothing", () => {
  const r = repo({ "README.md": "x\n", ".github/workflows/ci.yml": chatty });
  for (let i = 0; i < 3; i++) assert.equal(r.cli("run", "--offline").code, 0);
  const artifacts = join(r.dir, ".tierci", "artifacts");
  const runDirs = (): string[] => readdirSync(artifacts).filter((n) => !n.startsWith("."));
  assert.equal(runDirs().length, 3);

  const dry = r.cli("runs", "prune", "--keep", "1", "--dry-run");
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /would remove run #1 .*\n.*would remove run #2 /);
  assert.equal(runDirs().length, 3);

  const dbSize = statSync(defaultStorePath(r.dir)).size;
  const pruned = r.cli("runs", "prune", "--keep", "1");
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.match(pruned.stdout, /removed run #1 .*1 artifact/);
  assert.match(pruned.stdout, /removed 2 runs/);
  assert.equal(runDirs().length, 1);
  assert.match(r.cli("runs").stdout, /#3 /);
  assert.doesNotMatch(r.cli("runs").stdout, /#1 /);
  assert.notEqual(r.cli("logs", "1").code, 0);
  assert.equal(r.cli("artifacts", "ls", "3").code, 0);
  assert.ok(statSync(defaultStorePath(r.dir)).size <= dbSize);

  const young = r.cli("runs", "prune", "--older-than", "30d");
  assert.equal(young.code, 0, young.stderr);
  assert.match(young.stdout, /no runs to remove/);
  assert.equal(r.cli("runs", "prune").code, 2, "a prune needs --keep or --older-than");
  assert.equal(r.cli("runs", "prune", "--older-than", "soon").code, 2);
});

test("runs prune --all reaches the runs a repository recorded before it was moved", () => {
  const r = repo({ "README.md": "x\n", ".github/workflows/ci.yml": chatty });
  assert.equal(r.cli("run", "--offline").code, 0);
  const parent = tempDir("tierci-moved-");
  const moved = join(parent, "moved");
  renameSync(r.dir, moved);
  const here = (...args: string[]) => runCli([...args, "--repo", moved]);
  assert.equal(here("run", "--offline").code, 0);
  assert.match(here("runs", "prune", "--keep", "0").stdout, /removed run #1 [0-9a-z]+ of /);
  assert.match(here("runs", "prune", "--keep", "0").stdout, /no runs to remove/);
  const all = here("runs", "prune", "--keep", "0", "--all");
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, new RegExp(`removed run #1 in ${r.dir} .*1 artifact`));
  assert.deepEqual(
    readdirSync(join(moved, ".tierci", "artifacts")).filter((n) => !n.startsWith(".")),
    [],
  );
  renameSync(moved, r.dir);
  rmSync(parent, { recursive: true, force: true });
});

test("--log-cap keeps the head of a job's log and a line saying the rest was cut", () => {
  const r = repo({ "README.md": "x\n", ".github/workflows/ci.yml": chatty });
  assert.equal(r.cli("run", "--offline", "--log-cap", "10K").code, 0);
  const logs = r.cli("logs", "1").stdout;
  assert.match(logs, /line 1 of a chatty/);
  assert.doesNotMatch(logs, /line 2000 of a chatty/);
  assert.match(logs, /reached the cap of 10 KB kept per job; the rest of it is not stored/);
  assert.ok(existsSync(defaultStorePath(r.dir)));
  rmSync(join(r.dir, ".tierci"), { recursive: true, force: true });
  assert.equal(r.cli("run", "--offline", "--log-cap", "lots").code, 2);
});
