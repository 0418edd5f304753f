import assert from "node:assert/strict";
import { after, test } from "node:test";
import { makeRepo, type TestRepo } from "../../../test/support/git-repo.js";
import { parseUnifiedDiff } from "../../git/unified-diff.js";
import { changesSince } from "./diff.js";

const repos: TestRepo[] = [];
after(() => repos.forEach((r) => r.remove()));

function repo(): TestRepo {
  const r = makeRepo();
  repos.push(r);
  return r;
}

test("added lines carry new-file numbers, removed lines old-file numbers; a removed '-- x' is not a header", () => {
  const diff = [
    "diff --git a/conf/risk.yml b/conf/risk.yml",
    "index 1..2 100644",
    "--- a/conf/risk.yml",
    "+++ b/conf/risk.yml",
    "@@ -3 +3,2 @@ limits:",
    "--- old separator",
    "+max_position: 20",
    "+max_leverage: 3",
    "@@ -10,0 +12 @@",
    "+++ new separator",
    "\\ No newline at end of file",
  ].join("\n");
  assert.deepEqual(parseUnifiedDiff(diff), [
    {
      path: "conf/risk.yml",
      added: [
        { line: 3, text: "max_position: 20" },
        { line: 4, text: "max_leverage: 3" },
        { line: 12, text: "++ new separator" },
      ],
      removed: [{ line: 3, text: "-- old separator" }],
      binary: false,
    },
  ]);
});

test("paths with spaces and quoted paths", () => {
  const diff = [
    "diff --git a/my notes.md b/my notes.md",
    "--- a/my notes.md\t",
    "+++ b/my notes.md\t",
    "@@ -0,0 +1 @@",
    "+hi",
    'diff --git "a/tab\\there.txt" "b/tab\\there.txt"',
    "deleted file mode 100644",
    '--- "a/tab\\there.txt"',
    "+++ /dev/null",
    "@@ -1 +0,0 @@",
    "-bye",
  ].join("\n");
  assert.deepEqual(
    parseUnifiedDiff(diff).map((f) => [f.path, f.added.length, f.removed.length]),
    [
      ["my notes.md", 1, 0],
      ["tab\there.txt", 0, 1],
    ],
  );
});

test("a change on a branch against the merge base, and the working tree with untracked files", () => {
  const r = repo();
  r.write("src/app.py", "a = 1\nb = 2\nc = 3\n");
  r.write("logo.png", "\u0000\u0001binary");
  r.commit("base");
  r.git("checkout", "-q", "-b", "feature");
  r.write("src/app.py", "a = 1\nb = 20\nc = 3\nd = 4\n");
  r.write("logo.png", "\u0000\u0002binary");
  const head = r.commit("change");
  // A later commit on main is not part of the change (three-dot semantics).
  r.git("checkout", "-q", "main");
  r.write("main-only.txt", "x\n");
  r.commit("main moves on");
  r.git("checkout", "-q", "feature");

  const committed = changesSince(r.dir, "main", head);
  assert.equal(committed.to, head);
  assert.deepEqual(
    committed.files.map((f) => [f.path, f.binary, f.added.map((l) => `${l.line}:${l.text}`), f.removed.map((l) => `${l.line}:${l.text}`)]),
    [
      ["logo.png", true, [], []],
      ["src/app.py", false, ["2:b = 20", "4:d = 4"], ["2:b = 2"]],
    ],
  );

  r.write("src/app.py", "a = 1\n");
  r.write("new/file.py", "x = 1\ny = 2\n");
  const working = changesSince(r.dir, "main", undefined);
  assert.equal(working.to, undefined);
  assert.deepEqual(
    working.files.map((f) => [f.path, f.added.length, f.removed.length]),
    [
      ["logo.png", 0, 0],
      ["new/file.py", 2, 0],
      ["src/app.py", 0, 2],
    ],
  );
});

test("an unknown base is a clear error", () => {
  const r = repo();
  r.write("a.txt");
  r.commit("one");
  assert.throws(() => changesSince(r.dir, "no-such-branch", undefined), /base 'no-such-branch' is not a commit/);
});
