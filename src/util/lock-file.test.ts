import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { processStartTime } from "./process-identity.js";
import { LockAborted, lockOwner, tryLock, unlock, withLock } from "./lock-file.js";

const dir = mkdtempSync(join(tmpdir(), "tierci-lock-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, "locks", `l${++n}.lock`);

test("withLock runs one holder at a time and removes the file afterwards", async () => {
  const path = fresh();
  let inside = 0;
  let most = 0;
  await Promise.all(
    [1, 2, 3].map(() =>
      withLock(path, { pollMs: 10 }, async () => {
        most = Math.max(most, ++inside);
        await new Promise((r) => setTimeout(r, 30));
        inside--;
      }),
    ),
  );
  assert.equal(most, 1);
  assert.equal(existsSync(path), false);
});

test("the lock file names its owner", () => {
  const path = fresh();
  assert.equal(tryLock(path), true);
  assert.equal(lockOwner(path)?.pid, process.pid);
  assert.equal(tryLock(path), false, "held by this process: not taken twice");
  unlock(path);
});

test("a lock whose owner has died is broken; one whose PID was reused by another process too", () => {
  const dead = spawnSync(process.execPath, ["-e", "0"]);
  const path = fresh();
  writeFileSync(path, JSON.stringify({ pid: dead.pid, host: hostname(), startTime: 1 }));
  assert.equal(tryLock(path), true);
  unlock(path);
  // This process's own PID with another start time: the PID was reused.
  writeFileSync(path, JSON.stringify({ pid: process.pid, host: hostname(), startTime: (processStartTime(process.pid) ?? 0) + 1 }));
  assert.equal(tryLock(path), true);
  unlock(path);
  // An unreadable lock (no owner) is broken as well.
  writeFileSync(path, "");
  assert.equal(tryLock(path), true);
  unlock(path);
});

test("a lock held by a live process of another host is never broken", () => {
  const path = fresh();
  writeFileSync(path, JSON.stringify({ pid: 1, host: `${hostname()}-elsewhere`, startTime: 5 }));
  assert.equal(tryLock(path), false);
  assert.equal(lockOwner(path)?.host, `${hostname()}-elsewhere`);
});

test("a waiter reports the live owner once, takes the lock when it is let go, and can be cancelled", async () => {
  const path = fresh();
  const holder = spawn(process.execPath, [
    "--input-type=module",
    "-e",
    `
    import { writeFileSync, unlinkSync, readFileSync } from "node:fs";
    const stat = readFileSync("/proc/self/stat", "utf8");
    const start = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    writeFileSync(${JSON.stringify(path)}, JSON.stringify({ pid: process.pid, host: ${JSON.stringify(hostname())}, startTime: start }));
    process.stdout.write("held");
    setTimeout(() => { unlinkSync(${JSON.stringify(path)}); }, 300);
  `,
  ]);
  const closed = new Promise((r) => holder.on("close", r));
  await new Promise((r) => holder.stdout.once("data", r));
  const waits: number[] = [];
  const ran = await withLock(path, { pollMs: 20, onWait: (o) => waits.push(o.pid) }, async () => readFileSync(path, "utf8"));
  assert.deepEqual(waits, [holder.pid]);
  assert.ok(ran.includes(String(process.pid)));
  await closed;

  const held = fresh();
  assert.equal(tryLock(held), true);
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 100);
  await assert.rejects(
    withLock(held, { pollMs: 20, signal: abort.signal }, async () => undefined),
    LockAborted,
  );
  unlock(held);
});
