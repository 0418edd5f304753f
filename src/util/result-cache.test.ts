import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { cacheKey, ResultCache } from "./result-cache.js";

const work = mkdtempSync(join(tmpdir(), "tierci-result-cache-"));
after(() => rmSync(work, { recursive: true, force: true }));
let dirs = 0;
const freshDir = (): string => join(work, `c${++dirs}`);

const anything = (v: unknown): v is unknown => v !== undefined;
const VALUE = { name: "ci", absent: undefined, n: Number.NaN, neg: -0, list: [1, "two", null], nested: { deep: [true] } };

/** The one entry file the cache in `dir` holds. */
function entryFile(dir: string): string {
  const files = readdirSync(dir);
  assert.equal(files.length, 1, `entries: ${files.join(", ")}`);
  return join(dir, files[0] ?? "");
}

describe("ResultCache", () => {
  test("gives back exactly what was kept for the same inputs, undefined properties, NaN and -0 included", () => {
    const cache = new ResultCache(freshDir(), "v1");
    assert.equal(cache.get("a.yml", ["a.yml", "text"], anything), undefined);
    cache.set("a.yml", ["a.yml", "text"], VALUE);
    const got = cache.get("a.yml", ["a.yml", "text"], anything);
    assert.deepStrictEqual(got, VALUE);
    assert.ok(Object.hasOwn(got as object, "absent"));
  });

  test("an edited input is a miss, and its new result replaces the old one", () => {
    const dir = freshDir();
    const cache = new ResultCache(dir, "v1");
    cache.set("a.yml", ["a.yml", "on: push"], { n: 1 });
    assert.equal(cache.get("a.yml", ["a.yml", "on: pull_request"], anything), undefined);
    cache.set("a.yml", ["a.yml", "on: pull_request"], { n: 2 });
    assert.deepEqual(cache.get("a.yml", ["a.yml", "on: pull_request"], anything), { n: 2 });
    assert.equal(cache.get("a.yml", ["a.yml", "on: push"], anything), undefined);
    entryFile(dir);
  });

  test("another version of the code is a miss", () => {
    const dir = freshDir();
    new ResultCache(dir, "parser 1").set("a.yml", ["a.yml", "text"], { n: 1 });
    assert.equal(new ResultCache(dir, "parser 2").get("a.yml", ["a.yml", "text"], anything), undefined);
    assert.deepEqual(new ResultCache(dir, "parser 1").get("a.yml", ["a.yml", "text"], anything), { n: 1 });
  });

  test("a damaged, truncated, empty or foreign entry is a miss, never an error", () => {
    const dir = freshDir();
    const cache = new ResultCache(dir, "v1");
    cache.set("a.yml", ["a.yml", "text"], VALUE);
    const file = entryFile(dir);
    const whole = readFileSync(file);
    const damaged = Buffer.from(whole);
    damaged[damaged.length - 3] = (damaged[damaged.length - 3] ?? 0) ^ 0xff;
    for (const bytes of [
      damaged,
      whole.subarray(0, whole.length - 5),
      whole.subarray(0, 20),
      Buffer.alloc(0),
      Buffer.from("not an entry at all, just some text"),
    ]) {
      writeFileSync(file, bytes);
      assert.equal(cache.get("a.yml", ["a.yml", "text"], anything), undefined);
    }
    writeFileSync(file, whole);
    assert.deepStrictEqual(cache.get("a.yml", ["a.yml", "text"], anything), VALUE);
  });

  test("a whole entry whose value the caller does not accept is a miss", () => {
    const cache = new ResultCache(freshDir(), "v1");
    cache.set("a.yml", ["a.yml", "text"], { n: "one" });
    const isCount = (v: unknown): v is { n: number } => typeof v === "object" && v !== null && typeof (v as { n?: unknown }).n === "number";
    assert.equal(cache.get("a.yml", ["a.yml", "text"], isCount), undefined);
  });

  test("a place it cannot write to keeps nothing and raises nothing", () => {
    // A file where the directory should be: no user, root included, can create the cache there.
    const blocker = join(work, `file-${++dirs}`);
    writeFileSync(blocker, "");
    const cache = new ResultCache(join(blocker, "cache"), "v1");
    cache.set("a.yml", ["a.yml", "text"], { n: 1 });
    assert.equal(cache.get("a.yml", ["a.yml", "text"], anything), undefined);
  });

  test("a value that cannot be kept is not kept", () => {
    const cache = new ResultCache(freshDir(), "v1");
    cache.set("a.yml", ["a.yml", "text"], { run: () => 1 });
    assert.equal(cache.get("a.yml", ["a.yml", "text"], anything), undefined);
  });

  test("keys tell apart inputs that join to the same text", () => {
    assert.notEqual(cacheKey("v", ["ab", "c"]), cacheKey("v", ["a", "bc"]));
    assert.notEqual(cacheKey("v1", ["a"]), cacheKey("v2", ["a"]));
    assert.equal(cacheKey("v", ["a", "b"]), cacheKey("v", ["a", "b"]));
  });
});
