import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { commitEntry, type EntryHeader } from "./entries.js";
import { collectGarbage, readGeneration } from "./garbage.js";

const blob = (c: string): string => c.repeat(64);
// The highest pid Linux hands out is below 2^22.
const DEAD_PID = 4194305;

test("a collection deletes unreferenced blobs and dead saves' temporary files, keeps the rest, and bumps the generation", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tierci-cache-gc-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "entries"), { recursive: true });
  mkdirSync(join(dir, "tmp"), { recursive: true });
  const header: EntryHeader = { key: "k", scope: "s", version: "v", paths: ["deps"], created: 0, size: 2, files: 1 };
  const item = { root: 0, path: "a", type: "file" as const, mode: 0o644, size: 2, mtime: 0, blob: blob("a") };
  assert.equal(await commitEntry(dir, "e1", header, { roots: ["deps"], items: [item] }, join(dir, "tmp", `${process.pid}-m`)), true);
  const file = (shard: string, name: string): string => {
    mkdirSync(join(dir, "blobs", shard), { recursive: true });
    writeFileSync(join(dir, "blobs", shard, name), "xx");
    return join(dir, "blobs", shard, name);
  };
  const kept = file("aa", blob("a"));
  const orphan = file("bb", blob("b"));
  const liveTemp = file("cc", `.tmp-${process.pid}-1`);
  const deadTemp = file("cc", `.tmp-${DEAD_PID}-1`);
  writeFileSync(join(dir, "tmp", `${process.pid}-live`), "");
  writeFileSync(join(dir, "tmp", `${DEAD_PID}-dead`), "");
  writeFileSync(join(dir, "generation"), "4");

  const result = await collectGarbage(dir, join(dir, "tmp", `${process.pid}-gen`));
  assert.deepEqual(result, { blobs: 2, bytes: 4 });
  assert.ok(existsSync(kept) && existsSync(liveTemp));
  assert.ok(!existsSync(orphan) && !existsSync(deadTemp));
  assert.ok(existsSync(join(dir, "tmp", `${process.pid}-live`)));
  assert.ok(!existsSync(join(dir, "tmp", `${DEAD_PID}-dead`)));
  assert.equal(await readGeneration(dir), 5);
  assert.equal(readFileSync(join(dir, "generation"), "utf8"), "5");
});
