// `tierci serve` with `database: postgres://...`: a signed push runs to green, and its run, jobs
// and logs are in Postgres, not in a SQLite file under the data directory; the URL's password
// shows nowhere in the server's output.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { ZERO_SHA } from "../../src/git/git.js";
import { onPostgres } from "../support/store-backends.js";
import { bareCopy, examplePayload, removeTempDirs, TestServer, TOKENS } from "../support/server-harness.js";
import { repoFactory } from "./harness.js";

const newRepo = repoFactory();

const CI = `name: CI
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "built \${{ github.sha }} with the runs in postgres"
`;

after(() => removeTempDirs());

test("a Postgres that does not answer stops tierci serve with a message naming it, without its password", async () => {
  const work = newRepo({ ".github/workflows/ci.yml": CI });
  const served = { name: "acme/app", url: bareCopy(work.dir), secret: "s3cret-hook-key" };
  await assert.rejects(TestServer.start([served], { database: "postgres://tierci:hunter2@127.0.0.1:1/runs" }), (err: Error) => {
    assert.match(err.message, /tierci serve: could not connect to the Postgres run store at postgres:\/\/tierci:\*\*\*@127\.0\.0\.1:1\/runs: .*ECONNREFUSED/);
    assert.doesNotMatch(err.message, /hunter2|internal error|\n\s+at /);
    return true;
  });
});

onPostgres((backend) => {
  test("a webhook-triggered run is recorded in Postgres and served back from it", async (t) => {
    const url = new URL(backend.location(t));
    // The server trusts local connections, so the password is accepted, and must never be shown.
    url.password = "hunter2-not-shown";
    const database = url.toString();
    const work = newRepo({ ".github/workflows/ci.yml": CI });
    const served = { name: "acme/app", url: bareCopy(work.dir), secret: "s3cret-hook-key" };
    const server = await TestServer.start([served], { database });
    t.after(() => server.stop());

    work.git("push", "-q", "--force", served.url, "HEAD:refs/heads/main");
    const sha = work.git("rev-parse", "HEAD");
    const payload = examplePayload("push", (p) => String(p["ref"]).startsWith("refs/heads/"));
    const res = await server.deliver(served, "push", {
      ...payload,
      ref: "refs/heads/main",
      before: ZERO_SHA,
      after: sha,
      deleted: false,
      repository: { ...(payload["repository"] as object), full_name: served.name, name: "app", default_branch: "main" },
    });
    assert.equal(res.status, 202, res.text);
    const [id] = (res.body as { run_ids: string[] }).run_ids;
    const run = await server.completed(id ?? "");
    assert.equal(run["conclusion"], "success", JSON.stringify(run));
    const [job] = run["jobs"] as { id: number }[];
    const logs = await server.request("GET", `/api/runs/${id}/jobs/${job?.id}/logs`, { token: TOKENS.reader });
    assert.equal(logs.status, 200);
    assert.match(logs.text, new RegExp(`built ${sha} with the runs in postgres`));

    const stored = backend.sql(database, "SELECT id, sha, conclusion FROM runs");
    assert.deepEqual(
      stored.map((r) => [r.sha, r.conclusion]),
      [[sha, "success"]],
    );
    const [lines] = backend.sql(database, "SELECT COUNT(*)::integer AS n FROM logs WHERE text LIKE ?", [`%built ${sha}%`]);
    assert.ok(Number(lines?.n) >= 1);
    assert.ok(!existsSync(join(server.dataDir, "runs.db")), "no SQLite run store beside it");
    assert.match(server.log(), /runs in postgres:\/\/[^@\s]*:\*\*\*@/);
    assert.doesNotMatch(server.log(), /hunter2/);
  });
});
