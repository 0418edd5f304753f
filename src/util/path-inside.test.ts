import assert from "node:assert/strict";
import { test } from "node:test";
import { isInside } from "./path-inside.js";

test("a directory whose name starts with two dots is inside", () => {
  assert.equal(isInside("/w", "/w/..sub"), true);
  assert.equal(isInside("/w", "/w/..sub/x"), true);
  assert.equal(isInside("/w", "/w/a/...b"), true);
});

test("the base itself is inside", () => {
  assert.equal(isInside("/w", "/w"), true);
});

test("the parent, a sibling and an unrelated path are outside", () => {
  assert.equal(isInside("/w", "/"), false);
  assert.equal(isInside("/w", "/w2"), false);
  assert.equal(isInside("/w", "/x/y"), false);
  assert.equal(isInside("/w/a", "/w/a/../b"), false);
});
