import assert from "node:assert/strict";
import { test } from "node:test";
import { unifiedDiff } from "./line-diff.js";

test("equal texts have no diff", () => {
  assert.equal(unifiedDiff("a\nb\n", "a\nb\n", "a", "b"), "");
});

test("a changed line is one hunk with context", () => {
  const diff = unifiedDiff("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nfive\n6\n7\n8\n", "a/f", "b/f");
  assert.equal(diff, "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
});

test("distant changes make separate hunks; an added file counts from line 0", () => {
  const old = Array.from({ length: 20 }, (_, i) => `${i}`).join("\n");
  const changed = old.replace(/^1$/m, "one").replace(/^18$/m, "eighteen");
  assert.equal((unifiedDiff(old, changed, "a", "b").match(/^@@/gm) ?? []).length, 2);
  assert.match(unifiedDiff("", "x\n", "a", "b"), /^@@ -0,0 \+1,1 @@$/m);
});
