import assert from "node:assert/strict";
import { test } from "node:test";
import type { CacheEntry } from "./entries.js";
import { chooseEvictions } from "./eviction.js";

const DAY = 86400_000;
const now = 100 * DAY;

function entry(id: string, size: number, idleMs: number): CacheEntry {
  return { id, key: id, scope: "refs/heads/main", version: "v", paths: ["deps"], created: 0, size, files: 1, lastAccess: now - idleMs };
}

const ids = (entries: CacheEntry[]): string[] => entries.map((e) => e.id).sort();

test("over the cap, the least recently used go first, only until the rest fit", () => {
  const entries = [entry("a", 100, 3000), entry("b", 100, 1000), entry("c", 100, 2000), entry("d", 100, 0)];
  assert.deepEqual(ids(chooseEvictions(entries, { maxBytes: 250, maxIdleMs: DAY, now })), ["a", "c"]);
  assert.deepEqual(ids(chooseEvictions(entries, { maxBytes: 400, maxIdleMs: DAY, now })), []);
});

test("entries idle past the limit go whatever the size, and count no more toward it", () => {
  const entries = [entry("idle", 10, 8 * DAY), entry("big", 500, 2000), entry("fresh", 100, 0)];
  assert.deepEqual(ids(chooseEvictions(entries, { maxBytes: 600, maxIdleMs: 7 * DAY, now })), ["idle"]);
  assert.deepEqual(ids(chooseEvictions(entries, { maxBytes: 500, maxIdleMs: 7 * DAY, now })), ["big", "idle"]);
});

test("the entry just saved stays even when it is the oldest, idle or alone over the cap", () => {
  const entries = [entry("kept", 500, 8 * DAY), entry("other", 100, 0)];
  assert.deepEqual(ids(chooseEvictions(entries, { keep: "kept", maxBytes: 100, maxIdleMs: 7 * DAY, now })), ["other"]);
  assert.deepEqual(ids(chooseEvictions([entry("kept", 500, 0)], { keep: "kept", maxBytes: 0, maxIdleMs: DAY, now })), []);
});
