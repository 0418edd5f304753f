import { test } from "node:test";
import assert from "node:assert/strict";
import { isPostgresUrl, redactUrl, withoutPassword } from "./postgres-url.js";

test("postgres:// and postgresql:// URLs select Postgres; paths and other schemes do not", () => {
  assert.ok(isPostgresUrl("postgres://u@h/db"));
  assert.ok(isPostgresUrl("postgresql://u:p@h:5432/db?sslmode=require"));
  assert.ok(isPostgresUrl("POSTGRES://h/db"));
  for (const other of ["/srv/tierci/runs.db", "runs.db", ":memory:", "mysql://h/db", "./postgres://x", "postgres:/h/db"])
    assert.ok(!isPostgresUrl(other), other);
});

test("a URL is shown with its password masked, raw or percent-encoded, wherever it appears", () => {
  const url = "postgres://tierci:s3cr%40t@db.example:5432/runs";
  assert.equal(redactUrl(url), "postgres://tierci:***@db.example:5432/runs");
  assert.equal(redactUrl("postgres://tierci@db.example/runs"), "postgres://tierci@db.example/runs");
  const message = withoutPassword(`connecting to ${url} failed: password "s3cr@t" rejected (s3cr%40t)`, url);
  assert.doesNotMatch(message, /s3cr/);
  assert.equal(message, 'connecting to postgres://tierci:***@db.example:5432/runs failed: password "***" rejected (***)');
  assert.doesNotMatch(redactUrl("postgres://u:p@[bad"), /p@/);
});
