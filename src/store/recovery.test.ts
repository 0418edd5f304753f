import assert from "node:assert/strict";
import { hostname } from "node:os";
import { test } from "node:test";
import { forEachBackend, type StoreBackend } from "../../test/support/store-backends.js";
import { processStartTime } from "../util/process-identity.js";
import { openStore, type NewRun } from "./index.js";

const RUN: NewRun = { repoRoot: "/repo", event: "push", ref: "refs/heads/main", sha: "a".repeat(40), actor: "dev", startedAt: 1000 };

/** Rewrites who owns a run, as if another process (or host) had created it. */
function setOwner(backend: StoreBackend, path: string, runId: string, owner: { pid: number; start: number | null; host: string }): void {
  backend.sql(path, "UPDATE runs SET pid = ?, pid_start = ?, host = ? WHERE id = ?", [owner.pid, owner.start, owner.host, runId]);
}

function recordRun(path: string): string {
  const store = openStore(path);
  const run = store.createRun(RUN);
  const job = store.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: "b", name: "b", startedAt: 1000 });
  store.addStep({ jobRowId: job.id, index: 0, name: "long", startedAt: 1200 });
  store.appendLog({ jobRowId: job.id, stepIndex: 0, stream: "stdout", text: "still going", ts: 9000 });
  store.close();
  return run.id;
}

forEachBackend((backend) => {
  test("the store records the owner's process start time", (t) => {
    const path = backend.location(t);
    const store = openStore(path);
    t.after(() => store.close());
    const run = store.createRun(RUN);
    assert.equal(run.processStart, processStartTime(process.pid));
    assert.equal(store.getRun(run.id)?.processStart, processStartTime(process.pid));
  });

  test("a live PID that started at another time is a reused PID: the run is closed at its last activity", (t) => {
    const path = backend.location(t);
    const runId = recordRun(path);
    const start = processStartTime(process.pid);
    assert.notEqual(start, null, "this test needs /proc");
    setOwner(backend, path, runId, { pid: process.pid, start: (start ?? 0) + 1, host: hostname() });
    const store = openStore(path);
    t.after(() => store.close());
    const run = store.getRun(runId);
    assert.equal(run?.status, "completed");
    assert.equal(run.conclusion, "cancelled");
    assert.equal(run.finishedAt, 9000, "its real end, the last log line, not its start");
    assert.equal(run.finishedAt - run.startedAt, 8000);
  });

  test("a run of the very process that is still alive stays in progress", (t) => {
    const path = backend.location(t);
    const runId = recordRun(path);
    setOwner(backend, path, runId, { pid: process.pid, start: processStartTime(process.pid), host: hostname() });
    const store = openStore(path);
    t.after(() => store.close());
    assert.equal(store.getRun(runId)?.status, "in_progress");
  });

  test("a run of another host is left in progress, whatever its PID is here", (t) => {
    const path = backend.location(t);
    const runId = recordRun(path);
    // A PID that is surely free here would be "dead" on this host.
    setOwner(backend, path, runId, { pid: 2 ** 22 + 1, start: 1, host: `${hostname()}-elsewhere` });
    const store = openStore(path);
    t.after(() => store.close());
    const run = store.getRun(runId);
    assert.equal(run?.status, "in_progress");
    assert.equal(run.host, `${hostname()}-elsewhere`);
  });
});
