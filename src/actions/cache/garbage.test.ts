import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { commitEntry, type EntryHeader } from "./entries.js";
import { collectGarbage, readGeneration } from "./garbage.js";

const blob = (c: string): string => c.repeat(64);
// The highest pid Linux hands out is below 2^22.
const DEAD_PID = 4194305;

test("a collection deletes unreferenced blobs, packs and dead saves' temporary files, keeps the rest, and bumps the generation", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "tierci-cache-gc-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "entries"), { recursive: true });
  mkdirSync(join(dir, "tmp"), { recursive: true });
  const header: EntryHeader = { key: "k", scope: "s", version: "v", paths: ["deps"], created: 0, size: 2, files: 1 };
  const item = { root: 0, path: "a", type: "file" as const, mode: 0o644, size: 2, mtime: 0, blob: blob("a") };
  const packed = { root: 0, path: "b", type: "file" as const, mode: 0o644, size: 1, mtime: 0, pack: 0, offset: 1 };
  const manifest = { format: 2, roots: ["deps"], packs: [blob("d")], items: [item, packed] };
  assert.equal(await commitEntry(dir, "e1", header, manifest, join(dir, "tmp", `${process.pid}-m`)), true);
  const put = (rel: string, text: string): string => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
    return join(dir, rel);
  };
  const keptPack = put(`packs/${blob("d")}`, "ppp");
  const orphanPack = put(`packs/${blob("e")}`, "ppp");
  const kept = put(`blobs/aa/${blob("a")}`, "xx");
  const orphan = put(`blobs/bb/${blob("b")}`, "xx");
  const liveTemp = put(`blobs/cc/.tmp-${process.pid}-1`, "xx");
  const deadTemp = put(`blobs/cc/.tmp-${DEAD_PID}-1`, "xx");
  writeFileSync(join(dir, "tmp", `${process.pid}-live`), "");
  writeFileSync(join(dir, "tmp", `${DEAD_PID}-dead`), "");
  writeFileSync(join(dir, "generation"), "4");

  const result = await collectGarbage(dir, join(dir, "tmp", `${process.pid}-gen`));
  assert.deepEqual(result, { blobs: 2, packs: 1, bytes: 7 });
  assert.ok(existsSync(kept) && existsSync(liveTemp) && existsSync(keptPack));
  assert.ok(!existsSync(orphan) && !existsSync(deadTemp) && !existsSync(orphanPack));
  assert.ok(existsSync(join(dir, "tmp", `${process.pid}-live`)));
  assert.ok(!existsSync(join(dir, "tmp", `${DEAD_PID}-dead`)));
  assert.equal(await readGeneration(dir), 5);
  assert.equal(readFileSync(join(dir, "generation"), "utf8"), "5");
});
