import assert from "node:assert/strict";
import { test } from "node:test";
import { forEachBackend } from "../../test/support/store-backends.js";
import { openStore, type NewRun, type RunStore } from "./index.js";

const DAY = 24 * 60 * 60 * 1000;
const RUN: NewRun = { repoRoot: "/repo", event: "push", ref: "refs/heads/main", sha: "a".repeat(40), actor: "dev" };

/** Runs started `ages` days ago, each with a job of `lines` log lines; finished unless told. */
function seed(store: RunStore, ages: number[], lines = 10, repoRoot = "/repo"): string[] {
  return ages.map((age) => {
    const at = Date.now() - age * DAY;
    const run = store.createRun({ ...RUN, repoRoot, startedAt: at });
    const job = store.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: "b", name: "b", startedAt: at });
    for (let i = 0; i < lines; i++) store.appendLog({ jobRowId: job.id, stepIndex: null, stream: "stdout", text: `line ${i} ${"x".repeat(200)}` });
    store.finishJob(job.id, "success", at + 1);
    store.finishRun(run.id, { conclusion: "success", finishedAt: at + 1 });
    return run.id;
  });
}

forEachBackend((backend) => {
  test("--keep keeps the newest runs of each repository and deletes the rest with their jobs and logs", (t) => {
    const store = openStore(backend.location(t));
    t.after(() => store.close());
    const ids = seed(store, [5, 4, 3, 2, 1]);
    const other = seed(store, [6], 10, "/other");
    const removed = store.prune({ keep: 2 });
    assert.deepEqual(
      removed.map((r) => r.id),
      ids.slice(0, 3),
    );
    assert.deepEqual(
      store
        .listRuns({ limit: 10 })
        .map((r) => r.id)
        .sort(),
      [...ids.slice(3), ...other].sort(),
    );
    assert.deepEqual(store.jobsOf(ids[0] ?? ""), []);
  });

  test("--older-than with --keep deletes only runs that are both old and beyond the newest N", (t) => {
    const store = openStore(backend.location(t));
    t.after(() => store.close());
    const ids = seed(store, [60, 45, 40, 10]);
    assert.deepEqual(
      store.prune({ keep: 2, startedBefore: Date.now() - 30 * DAY }).map((r) => r.id),
      ids.slice(0, 2),
    );
  });

  test("a dry run deletes nothing, no option selects nothing, and a run in progress is never deleted", (t) => {
    const store = openStore(backend.location(t));
    t.after(() => store.close());
    const ids = seed(store, [3, 2]);
    const running = store.createRun({ ...RUN, startedAt: Date.now() - 90 * DAY });
    assert.deepEqual(store.prune({}), []);
    assert.deepEqual(
      store.prune({ keep: 0, dryRun: true }).map((r) => r.id),
      ids,
    );
    assert.equal(store.listRuns({ limit: 10 }).length, 3);
    assert.deepEqual(
      store.prune({ keep: 0 }).map((r) => r.id),
      ids,
    );
    assert.deepEqual(
      store.listRuns({ limit: 10 }).map((r) => r.id),
      [running.id],
    );
  });

  test("pruning gives the space back: the database shrinks", (t) => {
    const path = backend.isolatedLocation(t);
    const store = openStore(path);
    t.after(() => store.close());
    seed(store, [3, 2, 1], 5000);
    store.flush();
    const size = (): number => backend.size(path);
    const before = size();
    store.prune({ keep: 0 });
    assert.ok(size() < before / 2, `${size()} < ${before} / 2`);
  });

  test("a job's log is capped: past the cap one marker line, then nothing", (t) => {
    const store = openStore(backend.location(t), { logBytesPerJob: 1000 });
    t.after(() => store.close());
    const run = store.createRun(RUN);
    const job = store.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: "b", name: "b" });
    for (let i = 0; i < 100; i++) store.appendLog({ jobRowId: job.id, stepIndex: 0, stream: "stdout", text: "y".repeat(99) });
    const lines = store.logsOf(job.id);
    assert.equal(lines.length, 11);
    assert.equal(
      lines.slice(0, 10).reduce((n, l) => n + l.text.length, 0),
      990,
    );
    assert.equal(lines[10]?.stream, "system");
    assert.match(lines[10]?.text ?? "", /reached the cap of 1000 B kept per job; the rest of it is not stored/);
    assert.deepEqual(
      [...store.iterateLogs(job.id)].map((l) => l.seq),
      lines.map((l) => l.seq),
    );
  });
});
