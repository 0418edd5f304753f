import { test } from "node:test";
import assert from "node:assert/strict";
import { isRunIdPrefix, newRunId } from "./run-id.js";

test("run ids are 26 lowercase base32 characters that sort by time", () => {
  const early = newRunId(1_700_000_000_000);
  const late = newRunId(1_700_000_000_001);
  assert.match(early, /^[0-9a-hjkmnp-tv-z]{26}$/);
  assert.ok(early < late);
  assert.ok(newRunId(0) < newRunId(2 ** 48 - 1));
  assert.equal(newRunId(0).slice(0, 10), "0000000000");
});

test("ids made in the same millisecond keep the order they were made in", () => {
  const ids = Array.from({ length: 1000 }, () => newRunId(1_700_000_000_000));
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
});

test("times outside 48 bits are refused", () => {
  assert.throws(() => newRunId(-1), RangeError);
  assert.throws(() => newRunId(2 ** 48), RangeError);
  assert.throws(() => newRunId(1.5), RangeError);
});

test("id prefixes", () => {
  assert.ok(isRunIdPrefix(newRunId(Date.now())));
  assert.ok(isRunIdPrefix("01j"));
  assert.ok(!isRunIdPrefix(""));
  assert.ok(!isRunIdPrefix("01i"));
  assert.ok(!isRunIdPrefix("01J"));
  assert.ok(!isRunIdPrefix("0".repeat(27)));
});
