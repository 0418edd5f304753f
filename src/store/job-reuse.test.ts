import assert from "node:assert/strict";
import { test } from "node:test";
import { forEachBackend } from "../../test/support/store-backends.js";
import { openStore, type NewRun, type RunStore } from "./index.js";

const RUN: NewRun = { repoRoot: "/repo", event: "push", ref: "refs/heads/main", sha: "a".repeat(40), actor: "dev" };

function job(store: RunStore, key: string, conclusion: "success" | "failure", repoRoot = "/repo") {
  const run = store.createRun({ ...RUN, repoRoot });
  const row = store.addJob({ runId: run.id, tier: "t", workflow: "ci.yml", jobId: "unit", name: "unit", startedAt: 1, tree: "tree1", inputKey: key });
  store.setJobOutputs(row.id, { digest: `out-${run.number}` });
  store.finishJob(row.id, conclusion);
  store.finishRun(run.id, { conclusion });
  return { run, row };
}

forEachBackend((backend) => {
  test("the latest success with an input key is found, with its outputs; failures, other keys and other repositories are not", (t) => {
    const store = openStore(backend.location(t));
    t.after(() => store.close());
    job(store, "k1", "success");
    const latest = job(store, "k1", "success");
    job(store, "k1", "failure");
    job(store, "k2", "success");
    job(store, "k1", "success", "/other");
    const found = store.findReusableJob("/repo", "k1");
    assert.deepEqual(found, { jobRowId: latest.row.id, originJobRowId: latest.row.id, runId: latest.run.id, runNumber: 2, outputs: { digest: "out-2" } });
    assert.equal(store.findReusableJob("/repo", "k3"), undefined);
    const rows = store.jobsOf(latest.run.id);
    assert.deepEqual(
      rows.map((r) => [r.tree, r.inputKey, r.reusedFrom]),
      [["tree1", "k1", null]],
    );
  });

  test("a reused job gets copies of the original's annotations, tests and coverage, names the run that ran it, and stays out of test history", (t) => {
    const store = openStore(backend.location(t));
    t.after(() => store.close());
    const origin = job(store, "k1", "success");
    store.addAnnotation({ runId: origin.run.id, jobRowId: origin.row.id, level: "warning", message: "careful", file: "a.py", line: 3 });
    store.addTestResults(origin.row.id, [{ suite: "s", name: "test_a", status: "passed", durationMs: 5 }]);
    store.addCoverage(origin.row.id, {
      format: "cobertura",
      files: [
        {
          path: "a.py",
          linesValid: 2,
          linesCovered: 1,
          lines: new Map([
            [1, 1],
            [2, 0],
          ]),
        },
      ],
    });

    // As a run reuses: copy from the latest, record the origin.
    const reuse = () => {
      const found = store.findReusableJob("/repo", "k1");
      assert.ok(found);
      const run = store.createRun(RUN);
      const row = store.addJob({
        runId: run.id,
        tier: "t",
        workflow: "ci.yml",
        jobId: "unit",
        name: "unit",
        startedAt: 1,
        inputKey: "k1",
        reusedFrom: found.originJobRowId,
      });
      store.carryJobResults(found.jobRowId, row.id);
      store.finishJob(row.id, "success");
      store.finishRun(run.id, { conclusion: "success" });
      return { run, row };
    };
    const second = reuse();
    assert.deepEqual(
      store.annotationsOf(second.run.id).map((a) => [a.jobRowId, a.message, a.file, a.line]),
      [[second.row.id, "careful", "a.py", 3]],
    );
    assert.deepEqual(store.testTotals(second.run.id), { passed: 1, failed: 0, skipped: 0 });
    assert.deepEqual(
      store.coverageOf(second.run.id).map((f) => [f.path, f.linesCovered]),
      [["a.py", 1]],
    );
    assert.equal(store.testHistory({ repoRoot: "/repo" }).length, 1, "the copy is not a second result of the test");

    // Reusing the reuse still names the run that proved the inputs green.
    const third = reuse();
    assert.equal(store.findReusableJob("/repo", "k1")?.runNumber, 1);
    assert.equal(store.jobsOf(third.run.id)[0]?.reusedFrom, origin.row.id);
    assert.equal(store.annotationsOf(third.run.id).length, 1);
  });
});
