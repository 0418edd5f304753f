import assert from "node:assert/strict";
import { test } from "node:test";
import type { Fragment } from "./detector.js";
import { PatchParser, unquotePath } from "./patch.js";

function parse(text: string, maxBytes = 1 << 20): { fragments: Fragment[]; parser: PatchParser } {
  const fragments: Fragment[] = [];
  const parser = new PatchParser((f) => fragments.push(f), maxBytes);
  for (const line of text.split("\n")) parser.line(line);
  parser.end();
  return { fragments, parser };
}

const LOG = [
  "\x01aaaa111\x012024-05-01T10:00:00+02:00\x01mona@example.com\x01Mona Octocat",
  "",
  "diff --git a/src/app.py b/src/app.py",
  "index 1111111..2222222 100644",
  "--- a/src/app.py",
  "+++ b/src/app.py",
  "@@ -2 +2 @@ import os",
  "-old = 1",
  "+new = 2",
  "@@ -10,0 +11,2 @@ def main():",
  "+++ looks like a header but is content",
  "+@@ -1 +1 @@ so does this",
  "diff --git a/gone.txt b/gone.txt",
  "deleted file mode 100644",
  "index 3333333..0000000",
  "--- a/gone.txt",
  "+++ /dev/null",
  "@@ -1,2 +0,0 @@",
  "-a",
  "-b",
  "diff --git a/logo.png b/logo.png",
  "new file mode 100644",
  "index 0000000..4444444",
  "Binary files /dev/null and b/logo.png differ",
  "\x01bbbb222\x012024-04-01T09:00:00+00:00\x01x@example.com\x01X",
  "",
  "diff --git a/dir with space/f.txt b/dir with space/f.txt",
  "new file mode 100644",
  "--- /dev/null",
  "+++ b/dir with space/f.txt\t",
  "@@ -0,0 +1 @@",
  "+no newline",
  "\\ No newline at end of file",
  'diff --git "a/caf\\303\\251 \\"q\\".txt" "b/caf\\303\\251 \\"q\\".txt"',
  "new file mode 100644",
  "--- /dev/null",
  '+++ "b/caf\\303\\251 \\"q\\".txt"',
  "@@ -0,0 +1 @@",
  "+x",
].join("\n");

test("each file of each commit becomes a fragment of its added lines, numbered as in the new file", () => {
  const { fragments, parser } = parse(LOG);
  assert.deepEqual(
    fragments.map((f) => [f.commit?.sha, f.path, f.text, f.lineNumbers]),
    [
      ["aaaa111", "src/app.py", "new = 2\n++ looks like a header but is content\n@@ -1 +1 @@ so does this", [2, 11, 12]],
      ["aaaa111", "logo.png", "", []],
      ["bbbb222", "dir with space/f.txt", "no newline", [1]],
      ["bbbb222", 'café "q".txt', "x", [1]],
    ],
  );
  assert.deepEqual(fragments[0]?.commit, { sha: "aaaa111", date: "2024-05-01T10:00:00+02:00", email: "mona@example.com", author: "Mona Octocat" });
  assert.deepEqual(parser.stats, { commits: 2, files: 4, bytes: fragments.reduce((n, f) => n + f.text.length, 0), oversized: 0 });
});

test("index diffs (no commit lines) give fragments without a commit", () => {
  const { fragments } = parse(
    ["diff --git a/a.txt b/a.txt", "--- a/a.txt", "+++ b/a.txt", "@@ -1,2 +1,3 @@", " context", "-gone", "+added", "+more", " tail"].join("\n"),
  );
  assert.deepEqual(fragments, [{ path: "a.txt", text: "added\nmore", lineNumbers: [2, 3] }]);
});

test("a file diff over the size limit is counted, not scanned", () => {
  const { fragments, parser } = parse(
    ["diff --git a/big.min.js b/big.min.js", "+++ b/big.min.js", "@@ -0,0 +1,2 @@", `+${"x".repeat(60)}`, `+${"y".repeat(60)}`].join("\n"),
    100,
  );
  assert.deepEqual(fragments, []);
  assert.equal(parser.stats.oversized, 1);
});

test("C-quoted paths", () => {
  assert.equal(unquotePath('"a\\tb\\\\c"'), "a\tb\\c");
  assert.equal(unquotePath("plain"), "plain");
  assert.equal(unquotePath('"\\346\\227\\245.txt"'), "日.txt");
});
