import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeLines, encodeLines } from "./line-ranges.js";

test("line sets become sorted ranges and come back the same", () => {
  assert.equal(encodeLines([9, 1, 2, 3, 4, 13, 12, 4]), "1-4,9,12-13");
  assert.deepEqual(decodeLines("1-4,9,12-13"), [1, 2, 3, 4, 9, 12, 13]);
  assert.equal(encodeLines([]), "");
  assert.deepEqual(decodeLines(""), []);
  const many = Array.from({ length: 500 }, (_, i) => (i % 7 === 0 ? 0 : i + 1)).filter((n) => n > 0);
  assert.deepEqual(decodeLines(encodeLines(many)), many);
});
