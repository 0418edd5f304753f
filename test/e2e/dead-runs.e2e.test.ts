// Runs whose tierci process is gone: a run killed with kill -9 is closed by the next command at
// its last sign of life, and a run another host has in progress is left alone and said to be so.
import assert from "node:assert/strict";
import { test } from "node:test";
import Database from "better-sqlite3";
import { defaultStorePath } from "../../src/store/index.js";
import { repoFactory, startCli, waitFor } from "./harness.js";

const repo = repoFactory();

const TICKING = `on: push
jobs:
  tick:
    runs-on: ubuntu-latest
    steps:
      - run: |
          for i in 1 2 3 4 5 6; do echo "tick $i"; sleep 0.4; done
          echo ticked
          sleep 300
`;

interface RunJson {
  number: number;
  status: string;
  conclusion: string | null;
  startedAt: number;
  finishedAt: number | null;
  note: string | null;
  host: string;
}

test("a run killed with kill -9 ends at its last recorded activity, not a moment after it started", async () => {
  const r = repo({ ".github/workflows/t.yml": TICKING });
  const run = startCli(["run", "--repo", r.dir, "--offline"]);
  await waitFor(() => run.output().includes("ticked"), 30_000, "the step to tick");
  // The store writes buffered lines every 100 ms: give it that long, then kill.
  await new Promise((resolve) => setTimeout(resolve, 300));
  run.child.kill("SIGKILL");
  await run.done;

  const res = r.cli("runs", "--json", "-");
  assert.equal(res.code, 0, res.stderr);
  const [dead] = (JSON.parse(res.stdout) as { runs: RunJson[] }).runs;
  assert.equal(dead?.status, "completed");
  assert.equal(dead.conclusion, "cancelled");
  assert.match(dead.note ?? "", /^interrupted: tierci process \d+ on .+ ended before the run finished$/);
  const duration = (dead.finishedAt ?? 0) - dead.startedAt;
  assert.ok(duration >= 2000, `the run ticked for over 2 s before it was killed; recorded ${duration} ms`);
});

test("a run in progress on another host stays in progress and is shown as that host's", () => {
  const r = repo({ ".github/workflows/q.yml": "on: push\njobs:\n  q:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo quick\n" });
  assert.equal(r.cli("run", "--offline").code, 0);
  const db = new Database(defaultStorePath(r.dir));
  // As another machine sharing the state directory would have left it: its PID is free here.
  db.prepare("UPDATE runs SET status = 'in_progress', conclusion = NULL, finished_at = NULL, host = 'build-box-7', pid = 4194000").run();
  db.close();
  for (let i = 0; i < 2; i++) {
    const listed = r.cli("runs");
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /#1 .* in_progress .*in progress on build-box-7: whether it still runs can only be seen there/);
  }
  const [run] = (JSON.parse(r.cli("runs", "--json", "-").stdout) as { runs: RunJson[] }).runs;
  assert.equal(run?.status, "in_progress");
  assert.equal(run.host, "build-box-7");
});
