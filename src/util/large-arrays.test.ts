import assert from "node:assert/strict";
import { test } from "node:test";
import { appendAll } from "./large-arrays.js";

test("appends any number of items, where push(...items) overflows the call stack", () => {
  const many = Array.from({ length: 500_000 }, (_, i) => i);
  assert.throws(() => [].push(...(many as never[])), RangeError);
  const target = [-1];
  appendAll(target, many);
  assert.equal(target.length, 500_001);
  assert.equal(target[500_000], 499_999);
  appendAll(target, new Set([7]));
  assert.equal(target.at(-1), 7);
});
