import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { Outbox, PartialDelivery, type OutboxItem } from "./outbox.js";

const quiet = { info: () => {}, error: () => {} };

function tempDb(): { db: Database.Database; file: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "tierci-outbox-"));
  const file = join(dir, "server.db");
  return { db: new Database(file), file, done: () => rmSync(dir, { recursive: true, force: true }) };
}

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

const states = (db: Database.Database): string[] => (db.prepare("SELECT state FROM outbox ORDER BY id").all() as { state: string }[]).map((r) => r.state);

test("an item that could not be delivered before a restart is delivered after it", async () => {
  const t = tempDb();
  const down = new Outbox(t.db, quiet, { baseDelayMs: 10 });
  down.handle("chat", async () => {
    throw new Error("connection refused");
  });
  down.enqueue("chat", "acme/app", { target: 0, text: "hello" });
  down.start();
  await until(() => (t.db.prepare("SELECT attempts FROM outbox").get() as { attempts: number }).attempts > 0);
  await down.close();
  const seen: OutboxItem[] = [];
  const up = new Outbox(t.db, quiet, { baseDelayMs: 10 });
  up.handle("chat", async (item) => void seen.push(item));
  up.start();
  await until(() => states(t.db)[0] === "delivered");
  await up.close();
  assert.equal(seen[0]?.payload["text"], "hello");
  t.db.close();
  t.done();
});

test("retries back off, give up after the last attempt with the error kept, and keep partial progress", async () => {
  const t = tempDb();
  const outbox = new Outbox(t.db, quiet, { baseDelayMs: 5, maxAttempts: 3 });
  const progress: unknown[] = [];
  outbox.handle("check", async (item) => {
    progress.push(item.payload["sent"] ?? 0);
    throw new PartialDelivery("HTTP 502", { ...item.payload, sent: Number(item.payload["sent"] ?? 0) + 50 });
  });
  outbox.enqueue("check", "acme/app", { sent: 0 });
  outbox.start();
  await until(() => states(t.db)[0] === "failed");
  await outbox.close();
  assert.deepEqual(progress, [0, 50, 100]);
  const row = t.db.prepare("SELECT attempts, last_error FROM outbox").get() as { attempts: number; last_error: string };
  assert.equal(row.attempts, 3);
  assert.match(row.last_error, /HTTP 502/);
  t.db.close();
  t.done();
});

test("a newer item with the same key supersedes an older one not delivered yet", async () => {
  const t = tempDb();
  const outbox = new Outbox(t.db, quiet, { baseDelayMs: 10 });
  const sent: string[] = [];
  outbox.handle("status", async (item) => void sent.push(String(item.payload["state"])));
  outbox.enqueue("status", "acme/app", { state: "pending" }, "sha ctx");
  outbox.enqueue("status", "acme/app", { state: "failure" }, "sha ctx");
  outbox.start();
  await until(() => states(t.db).includes("delivered"));
  await outbox.close();
  assert.deepEqual(sent, ["failure"]);
  assert.deepEqual(states(t.db), ["superseded", "delivered"]);
  t.db.close();
  t.done();
});
