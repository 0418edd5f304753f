import assert from "node:assert/strict";
import { test } from "node:test";
import { jsonKeyLines, jsonPath } from "./json-lines.js";

test("every key is found at its line, nested and inside arrays, escapes included", () => {
  const text = `{
  "a": {
    "b": "x,y{",
    "c\\"q": [
      { "d": 1 },
      {
        "e": [2, 3]
      }
    ]
  },
  "f": true
}`;
  const lines = jsonKeyLines(text);
  assert.equal(lines.get(jsonPath("a")), 2);
  assert.equal(lines.get(jsonPath("a", "b")), 3);
  assert.equal(lines.get(jsonPath("a", 'c"q')), 4);
  assert.equal(lines.get(jsonPath("a", 'c"q', 0, "d")), 5);
  assert.equal(lines.get(jsonPath("a", 'c"q', 1, "e")), 7);
  assert.equal(lines.get(jsonPath("f")), 11);
  assert.equal(lines.size, 6);
});
