import assert from "node:assert/strict";
import { test } from "node:test";
import { readSuppressions } from "./suppress.js";

test("file-wide directives are the ones in the opening comment block", () => {
  const s = readSuppressions(
    ["# Build", "# tierci: ignore[missing-timeout, unpinned-action]", "", "on: push", "# tierci: ignore[missing-permissions]", "jobs: {}"].join("\n"),
  );
  assert.deepEqual([...s.file].sort(), ["missing-timeout", "unpinned-action"]);
  assert.deepEqual([...(s.lines.get(6) ?? [])], ["missing-permissions"]);
});

test("a comment line speaks for the first line after its comment block; a trailing comment for its own line", () => {
  const s = readSuppressions(["on: push", "jobs:", "  # tierci: ignore[a]", "  # why: it is fine", "  build: # tierci: ignore[b]", "    x: 1"].join("\n"));
  assert.deepEqual([...(s.lines.get(5) ?? [])].sort(), ["a", "b"]);
  assert.equal(s.lines.get(6), undefined);
});
