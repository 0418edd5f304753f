import { test } from "node:test";
import assert from "node:assert/strict";
import type { FileCoverage } from "../../formats/report-types.js";
import { coverageTotals, formatPercent, patchCoverage } from "./coverage.js";

const hits = (covered: number[], uncovered: number[]): Map<number, number> =>
  new Map([...covered.map((n): [number, number] => [n, 1]), ...uncovered.map((n): [number, number] => [n, 0])]);

const FILES: FileCoverage[] = [
  { path: "src/app.py", linesValid: 8, linesCovered: 6, lines: hits([1, 2, 3, 5, 8, 9], [4, 10]), branchesValid: 4, branchesCovered: 1 },
  { path: "src/util.py", linesValid: 2, linesCovered: 0, lines: hits([], [1, 2]) },
];

test("totals add up lines and branches over the files", () => {
  assert.deepEqual(coverageTotals(FILES), {
    files: 2,
    lines_valid: 10,
    lines_covered: 6,
    line_rate: 0.6,
    branches_valid: 4,
    branches_covered: 1,
    branch_rate: 0.25,
  });
  assert.deepEqual(coverageTotals([]), {
    files: 0,
    lines_valid: 0,
    lines_covered: 0,
    line_rate: null,
    branches_valid: null,
    branches_covered: null,
    branch_rate: null,
  });
});

test("patch coverage counts only the changed lines the report can measure", () => {
  const changed = new Map([
    // 6 and 7 are not executable (a comment, a blank line).
    ["src/app.py", [3, 4, 6, 7, 8]],
    ["src/util.py", [2]],
    ["README.md", [1, 2, 3]],
    ["src/only_comments.py", [1]],
  ]);
  assert.deepEqual(patchCoverage(changed, [...FILES, { path: "src/only_comments.py", linesValid: 0, linesCovered: 0, lines: new Map() }]), {
    lines_changed: 10,
    lines_executable: 4,
    lines_covered: 2,
    line_rate: 0.5,
    files: [
      { path: "src/app.py", changed: 5, executable: 3, covered: 2, line_rate: 2 / 3, missing: [4] },
      { path: "src/util.py", changed: 1, executable: 1, covered: 0, line_rate: 0, missing: [2] },
    ],
  });
  assert.deepEqual(patchCoverage(new Map([["docs/x.md", [1]]]), FILES), {
    lines_changed: 1,
    lines_executable: 0,
    lines_covered: 0,
    line_rate: null,
    files: [],
  });
});

test("percentages round down, so a rate under a threshold never prints as the threshold", () => {
  assert.equal(formatPercent(0.8999), "89.9%");
  assert.equal(formatPercent(2 / 3), "66.6%");
  assert.equal(formatPercent(1), "100.0%");
  assert.equal(formatPercent(0), "0.0%");
  assert.equal(formatPercent(null), "-");
});
