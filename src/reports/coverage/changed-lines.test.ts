import { test } from "node:test";
import assert from "node:assert/strict";
import { makeRepo } from "../../../test/support/git-repo.js";
import { GitError } from "../../git/git.js";
import type { FileCoverage } from "../../formats/report-types.js";
import { changedLines } from "./changed-lines.js";
import { patchCoverage } from "./coverage.js";

const numbered = (from: number, to: number, prefix = "line"): string => Array.from({ length: to - from + 1 }, (_, i) => `${prefix} ${from + i}\n`).join("");

test("patch coverage on a real repository: branch commits, staged, unstaged and untracked changes", (t) => {
  const repo = makeRepo();
  t.after(() => repo.remove());
  repo.write("src/app.py", numbered(1, 10));
  repo.write("src/moved.py", numbered(1, 20));
  repo.write("src/untouched.py", numbered(1, 5));
  repo.write(".gitignore", "*.log\n");
  repo.commit("base");
  repo.git("checkout", "-q", "-b", "feature");
  // Lines 3 and 4 changed, 11 and 12 added.
  repo.write("src/app.py", `${numbered(1, 2)}changed 3\nchanged 4\n${numbered(5, 10)}added 11\nadded 12\n`);
  repo.git("mv", "src/moved.py", "src/renamed.py");
  repo.write("src/renamed.py", `${numbered(1, 19)}changed 20\n`);
  repo.commit("feature work");
  // Main moves on meanwhile: not part of the change.
  repo.git("checkout", "-q", "main");
  repo.write("src/untouched.py", `${numbered(1, 5)}on main only\n`);
  repo.commit("main moves on");
  repo.git("checkout", "-q", "feature");
  // Uncommitted: an unstaged edit, a staged new file, an untracked file, an ignored one.
  repo.write("src/app.py", `${numbered(1, 2)}changed 3\nchanged 4\n${numbered(5, 10)}added 11\nadded 12\nunstaged 13\n`);
  repo.write("src/staged.py", numbered(1, 2));
  repo.git("add", "src/staged.py");
  repo.write("src/untracked.py", numbered(1, 3));
  repo.write("debug.log", numbered(1, 3));

  const changed = changedLines(repo.dir);
  assert.equal(changed.base, "main");
  assert.equal(changed.mergeBase, repo.git("merge-base", "main", "feature"));
  assert.deepEqual(Object.fromEntries(changed.files), {
    "src/app.py": [3, 4, 11, 12, 13],
    "src/renamed.py": [20],
    "src/staged.py": [1, 2],
    "src/untracked.py": [1, 2, 3],
  });

  const line = (covered: number[], uncovered: number[]) =>
    new Map([...covered.map((n): [number, number] => [n, 3]), ...uncovered.map((n): [number, number] => [n, 0])]);
  const coverage: FileCoverage[] = [
    // Line 4 is not executable (say, a comment).
    { path: "src/app.py", linesValid: 12, linesCovered: 9, lines: line([1, 2, 3, 5, 6, 7, 8, 11, 13], [9, 10, 12]) },
    {
      path: "src/renamed.py",
      linesValid: 20,
      linesCovered: 20,
      lines: line(
        Array.from({ length: 20 }, (_, i) => i + 1),
        [],
      ),
    },
    { path: "src/staged.py", linesValid: 2, linesCovered: 0, lines: line([], [1, 2]) },
    { path: "src/untracked.py", linesValid: 3, linesCovered: 3, lines: line([1, 2, 3], []) },
    { path: "src/untouched.py", linesValid: 5, linesCovered: 0, lines: line([], [1, 2, 3, 4, 5]) },
  ];
  const patch = patchCoverage(changed.files, coverage);
  // Executable changed lines: app 3, 11, 12, 13; renamed 20; staged 1, 2; untracked 1, 2, 3 = 10, of which 7 ran.
  assert.deepEqual([patch.lines_changed, patch.lines_executable, patch.lines_covered, patch.line_rate], [11, 10, 7, 0.7]);
  assert.deepEqual(
    patch.files.map((f) => [f.path, f.missing]),
    [
      ["src/app.py", [12]],
      ["src/renamed.py", []],
      ["src/staged.py", [1, 2]],
      ["src/untracked.py", []],
    ],
  );

  // Against the feature branch itself, only the uncommitted work is the change.
  const own = changedLines(repo.dir, "HEAD");
  assert.deepEqual(Object.fromEntries(own.files), { "src/app.py": [13], "src/staged.py": [1, 2], "src/untracked.py": [1, 2, 3] });
  const measured = changedLines(repo.dir, "HEAD", (path) => path !== "src/untracked.py");
  assert.deepEqual([...measured.files.keys()], ["src/app.py", "src/staged.py"]);
  assert.throws(
    () => changedLines(repo.dir, "no-such-branch"),
    (err: unknown) => err instanceof GitError && /no-such-branch/.test(err.message),
  );
});
