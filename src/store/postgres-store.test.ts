// What only the Postgres store has: its migrations table, its URL (whose password must never be
// shown), and run numbers counted apart from the runs. The rest of the contract is tested on both
// databases by the other store tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { onPostgres } from "../../test/support/store-backends.js";
import { openStore, StoreError, type NewRun } from "./index.js";
import { POSTGRES_SCHEMA_VERSION } from "./postgres-schema.js";

const RUN: NewRun = { repoRoot: "/repo", event: "push", ref: "refs/heads/main", sha: "a".repeat(40), actor: "dev" };

test("a Postgres server that does not answer is named in the error without the URL's password", () => {
  assert.throws(
    () => openStore("postgres://tierci:hunter2%21@127.0.0.1:1/runs"),
    (err: unknown) => {
      const message = (err as Error).message;
      assert.match(message, /^could not connect to the Postgres run store at postgres:\/\/tierci:\*\*\*@127\.0\.0\.1:1\/runs: .*ECONNREFUSED/);
      assert.doesNotMatch(message + String((err as Error).stack), /hunter2/);
      return true;
    },
  );
});

onPostgres((backend) => {
  test("migrations are recorded in schema_migrations, applied once, and a newer schema is refused", (t) => {
    const url = backend.location(t);
    openStore(url).close();
    openStore(url).close();
    assert.deepEqual(
      backend.sql(url, "SELECT version FROM schema_migrations ORDER BY version").map((r) => r.version),
      Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1),
    );
    assert.deepEqual(
      backend.sql(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name").map((r) => r.table_name),
      ["annotations", "coverage_files", "jobs", "logs", "run_numbers", "runs", "schema_migrations", "steps", "test_results"],
    );
    backend.sql(url, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)", [POSTGRES_SCHEMA_VERSION + 1]);
    assert.throws(
      () => openStore(url),
      (err: unknown) => err instanceof StoreError && err.kind === "schema-too-new" && /upgrade tierci/.test(err.message),
    );
  });

  test("the URL's password appears in no error the store gives", (t) => {
    const url = new URL(backend.location(t));
    // The server trusts this machine's connections, so any password is accepted and must still be hidden.
    url.password = "hunter2";
    const store = openStore(url.toString());
    const run = store.createRun(RUN);
    store.close();
    assert.throws(
      () => store.getRun(run.id),
      (err: unknown) => err instanceof StoreError && err.kind === "closed" && err.message.includes(":***@") && !err.message.includes("hunter2"),
    );
    backend.sql(url.toString(), "INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)", [POSTGRES_SCHEMA_VERSION + 1]);
    assert.throws(
      () => openStore(url.toString()),
      (err: unknown) => err instanceof StoreError && err.message.includes(":***@") && !err.message.includes("hunter2"),
    );
  });

  test("run numbers are never reused, even after the newest runs were pruned", (t) => {
    const store = openStore(backend.location(t));
    t.after(() => store.close());
    for (const number of [1, 2]) {
      const run = store.createRun(RUN);
      assert.equal(run.number, number);
      store.finishRun(run.id, { conclusion: "success" });
    }
    assert.equal(store.prune({ keep: 0 }).length, 2);
    assert.equal(store.createRun(RUN).number, 3);
  });

  test("a log line with a NUL character is stored with U+FFFD in its place", (t) => {
    const store = openStore(backend.location(t));
    t.after(() => store.close());
    const job = store.addJob({ runId: store.createRun(RUN).id, tier: "t", workflow: "ci.yml", jobId: "j", name: "j" });
    store.appendLog({ jobRowId: job.id, stepIndex: null, stream: "stdout", text: "a\0b" });
    assert.deepEqual(
      store.logsOf(job.id).map((l) => l.text),
      ["a\uFFFDb"],
    );
  });
});
