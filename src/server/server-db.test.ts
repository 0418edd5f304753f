// The server's records on both databases give the same answers; on Postgres, two servers sharing
// the database agree on run numbers, deliveries and schedule minutes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { forEachBackend } from "../../test/support/store-backends.js";
import { SqliteServerDb, type NewServerRun, type ServerDb } from "./server-db.js";
import { PostgresServerDb } from "./server-db-postgres.js";

const push = (repo = "acme/app", ref = "refs/heads/main"): NewServerRun => ({
  repo,
  event: "push",
  ref,
  request: { kind: "webhook", event: "push", payload: { ref } },
});

forEachBackend((backend) => {
  const open = (location: string): ServerDb => (backend.name === "postgres" ? new PostgresServerDb(location) : new SqliteServerDb(location));

  test("runs are numbered per repository, listed by filters, and go through their states", (t) => {
    const db = open(backend.location(t));
    t.after(() => db.close());
    const a = db.queueRun(push(), 1000);
    const b = db.queueRun(push("acme/app", "refs/heads/feature"), 2000);
    const c = db.queueRun(push("acme/other"), 3000);
    assert.deepEqual([a.number, b.number, c.number], [1, 2, 1]);
    assert.deepEqual(db.getRun(a.id)?.request, push().request);
    db.startRun(a.id, "pipeline-1", [".github/workflows/ci.yml"], 1500);
    db.resolveRun(a.id, { ref: "refs/heads/main", sha: "f".repeat(40) });
    db.finishRun(a.id, { conclusion: "failure", summary: { jobs: [] }, note: "n" }, 1800);
    const done = db.getRun(a.id);
    assert.equal(done?.status, "completed");
    assert.equal(done?.conclusion, "failure");
    assert.deepEqual(done?.summary, { jobs: [] });
    assert.equal(done?.startedAt, 1500);
    assert.deepEqual(
      db.listRuns({ repo: "acme/app", limit: 10 }).map((r) => r.number),
      [2, 1],
    );
    assert.deepEqual(
      db.listRuns({ workflow: ".github/workflows/ci.yml", limit: 10 }).map((r) => r.id),
      [a.id],
    );
    assert.deepEqual(
      db.listRuns({ branch: "feature", status: "queued", limit: 10 }).map((r) => r.id),
      [b.id],
    );
    assert.deepEqual(
      db.listRuns({ before: c.id, limit: 1 }).map((r) => r.id),
      [b.id],
    );
    assert.deepEqual(db.countByStatus(), { queued: 2, in_progress: 0, completed: 1 });
    assert.deepEqual(
      db.runsWithStatus("queued").map((r) => r.id),
      [b.id, c.id],
    );
    assert.equal(db.previousConclusion("acme/app", "refs/heads/main", ".github/workflows/ci.yml", "zzzz"), "failure");
    db.keep(a.id, { "ci.yml#build": { out: "1" } });
    assert.deepEqual([...db.keptOf(a.id)], [["ci.yml#build", { out: "1" }]]);
    db.requeueRun(b.id);
    assert.equal(db.ping(), true);
  });

  test("a delivery queues its runs once; a schedule minute fires once; cancels wait until the run ends", (t) => {
    const db = open(backend.location(t));
    t.after(() => db.close());
    const first = db.acceptDelivery({ id: "d-1", repo: "acme/app", event: "push" }, [push()]);
    const again = db.acceptDelivery({ id: "d-1", repo: "acme/app", event: "push" }, [push()]);
    assert.equal(first.duplicate, false);
    assert.deepEqual(again, { duplicate: true, runIds: first.runIds });
    assert.equal(db.listRuns({ limit: 10 }).length, 1);
    assert.equal(db.claimScheduleFire("acme/app", "nightly.yml", "0 3 * * *", 42), true);
    assert.equal(db.claimScheduleFire("acme/app", "nightly.yml", "0 3 * * *", 42), false);
    const id = first.runIds[0] as string;
    db.requestCancel(id, "cancelled by a user");
    assert.deepEqual(db.cancelRequests(), [{ id, reason: "cancelled by a user" }]);
    db.finishRun(id, { conclusion: "cancelled" });
    assert.deepEqual(db.cancelRequests(), []);
  });

  if (backend.name === "postgres") {
    test("two servers on one database: distinct run numbers, one delivery, one schedule fire", async (t) => {
      const location = backend.location(t);
      const a = open(location);
      const b = open(location);
      t.after(() => {
        a.close();
        b.close();
      });
      const numbers: number[] = [];
      for (let i = 0; i < 20; i++) numbers.push(a.queueRun(push()).number, b.queueRun(push()).number);
      assert.equal(new Set(numbers).size, 40);
      const one = a.acceptDelivery({ id: "same", repo: "acme/app", event: "push" }, [push()]);
      const two = b.acceptDelivery({ id: "same", repo: "acme/app", event: "push" }, [push()]);
      assert.deepEqual(two, { duplicate: true, runIds: one.runIds });
      assert.equal([a.claimScheduleFire("r", "w", "* * * * *", 7), b.claimScheduleFire("r", "w", "* * * * *", 7)].filter(Boolean).length, 1);
    });
  }
});
