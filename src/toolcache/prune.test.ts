import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { writeTree } from "../../test/support/tool-server.js";
import { cachedVersions, completeMarker, installDir, lockFile, stagingDir, toolCacheRoot, type ToolKey } from "./layout.js";
import { tryLock, unlock } from "../util/lock-file.js";
import { pruneToolCache } from "./prune.js";

const dir = mkdtempSync(join(tmpdir(), "tierci-prune-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const DAY = 86_400_000;

function installed(root: string, key: ToolKey, ageDays: number): void {
  writeTree(installDir(root, key), { "bin/tool": "x".repeat(1000) });
  writeFileSync(completeMarker(root, key), "");
  const t = new Date(Date.now() - ageDays * DAY);
  utimesSync(completeMarker(root, key), t, t);
}

test("versions idle longer than the limit go; recent ones, and one being installed, stay", async () => {
  const root = join(dir, "a");
  const old: ToolKey = { tool: "node", version: "18.20.4", arch: "x64" };
  const recent: ToolKey = { tool: "node", version: "22.11.0", arch: "x64" };
  const busy: ToolKey = { tool: "go", version: "1.22.1", arch: "x64" };
  const unfinished: ToolKey = { tool: "Python", version: "3.12.7", arch: "x64" };
  installed(root, old, 30);
  installed(root, recent, 1);
  installed(root, busy, 30);
  writeTree(installDir(root, unfinished), { "bin/python3": "half" });
  writeTree(stagingDir(root, { tool: "Java", version: "21", arch: "x64" }), { "x/y": "left over" });
  assert.equal(tryLock(lockFile(root, busy)), true);
  const result = await pruneToolCache(root, { maxIdleMs: 7 * DAY });
  unlock(lockFile(root, busy));
  assert.deepEqual(result.removed.map((r) => `${r.tool}/${r.version}`).sort(), ["Python/3.12.7", "node/18.20.4"]);
  assert.equal(result.bytes, 1004);
  assert.deepEqual(cachedVersions(root, "node", "x64"), ["22.11.0"]);
  assert.deepEqual(cachedVersions(root, "go", "x64"), ["1.22.1"]);
  assert.equal(existsSync(join(root, "node", "18.20.4")), false, "the emptied version directory goes too");
  assert.equal(existsSync(join(root, ".staging", "Java-21-x64")), false);
});

test("the root is TIERCI_TOOL_CACHE, else tierci/tools in the user's cache directory", () => {
  assert.equal(toolCacheRoot({ TIERCI_TOOL_CACHE: "/srv/tools", HOME: "/home/u" }), "/srv/tools");
  assert.equal(toolCacheRoot({ XDG_CACHE_HOME: "/xdg", HOME: "/home/u" }), "/xdg/tierci/tools");
  assert.equal(toolCacheRoot({ HOME: "/home/u" }), "/home/u/.cache/tierci/tools");
});
