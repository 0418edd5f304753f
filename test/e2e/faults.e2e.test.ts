// Faults from outside: SIGTERM and SIGHUP end a run as Ctrl-C does, and after a kill -9 the
// next run ends what the dead one left running and removes its job directories.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { test } from "node:test";
import { alive, repoFactory, startCli, waitFor } from "./harness.js";

const repo = repoFactory();

const LONG = `on: push
jobs:
  long:
    runs-on: ubuntu-latest
    steps:
      - run: |
          sleep 310 &
          echo "bg=$!"
          echo "ws=$PWD"
          echo started
          sleep 311
      - if: always()
        run: echo "always-ran status=\${{ job.status }}"
`;

for (const signal of ["SIGTERM", "SIGHUP"] as const) {
  test(`${signal} cancels the run like Ctrl-C: always() steps run, nothing is left running, the workspace goes`, async () => {
    const r = repo({ ".github/workflows/l.yml": LONG });
    const run = startCli(["run", "--repo", r.dir, "--offline"]);
    await waitFor(() => run.output().includes("started"), 20_000, "the step to start");
    const bg = Number(/bg=(\d+)/.exec(run.output())?.[1]);
    const workspace = /ws=(\S+)/.exec(run.output())?.[1] ?? "";
    run.child.kill(signal);
    const code = await run.done;
    const out = run.output();
    assert.equal(code, 1, out);
    assert.match(out, new RegExp(`cancelling the run on ${signal}`));
    assert.match(out, /always-ran status=cancelled/);
    assert.equal(alive(bg), false, "the background sleep was ended");
    assert.equal(existsSync(workspace), false, "the job's workspace was removed");
  });
}

test("after kill -9, the next run ends the dead run's processes and removes its job directories, and says so", async () => {
  const r = repo({ ".github/workflows/l.yml": LONG });
  const run = startCli(["run", "--repo", r.dir, "--offline"]);
  await waitFor(() => run.output().includes("started"), 20_000, "the step to start");
  const bg = Number(/bg=(\d+)/.exec(run.output())?.[1]);
  const workspace = /ws=(\S+)/.exec(run.output())?.[1] ?? "";
  run.child.kill("SIGKILL");
  await run.done;
  assert.equal(alive(bg), true, "kill -9 left the step's background process running");
  assert.equal(existsSync(workspace), true);
  const jobRoot = readdirSync(tmpdir()).find((n) => workspace.startsWith(`${tmpdir()}/${n}/`));
  assert.ok(jobRoot?.startsWith("tierci-"), "job directories are named after the run");

  r.write({ ".github/workflows/l.yml": "on: push\njobs:\n  quick:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo quick\n" });
  const next = startCli(["run", "--repo", r.dir, "--offline"]);
  assert.equal(await next.done, 0, next.output());
  assert.match(next.output(), /run #1 was killed before it finished: ended [1-9]\d* process\(es\) its steps left running and removed 1 job directory\(ies\)/);
  await waitFor(() => !alive(bg), 5000, "the orphaned background process to end");
  assert.equal(existsSync(workspace), false);
});
