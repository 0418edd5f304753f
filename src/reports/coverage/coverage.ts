// Coverage totals, and patch coverage: how much of the code a change added the tests ran.
// Pure; the lines a change added come from changed-lines.ts.
import type { FileCoverage } from "../../formats/report-types.js";

export interface CoverageTotals {
  files: number;
  lines_valid: number;
  lines_covered: number;
  /** covered / valid, null without executable lines. */
  line_rate: number | null;
  /** Null when no file has branch data. */
  branches_valid: number | null;
  branches_covered: number | null;
  branch_rate: number | null;
}

const ratio = (covered: number, valid: number): number | null => (valid === 0 ? null : covered / valid);

export function coverageTotals(files: readonly FileCoverage[]): CoverageTotals {
  let linesValid = 0;
  let linesCovered = 0;
  let branchesValid: number | null = null;
  let branchesCovered: number | null = null;
  for (const f of files) {
    linesValid += f.linesValid;
    linesCovered += f.linesCovered;
    if (f.branchesValid !== undefined) {
      branchesValid = (branchesValid ?? 0) + f.branchesValid;
      branchesCovered = (branchesCovered ?? 0) + (f.branchesCovered ?? 0);
    }
  }
  return {
    files: files.length,
    lines_valid: linesValid,
    lines_covered: linesCovered,
    line_rate: ratio(linesCovered, linesValid),
    branches_valid: branchesValid,
    branches_covered: branchesCovered,
    branch_rate: branchesValid === null || branchesCovered === null ? null : ratio(branchesCovered, branchesValid),
  };
}

export interface PatchFile {
  path: string;
  /** Lines the change added or changed in the file. */
  changed: number;
  /** Those of them the coverage report counts as executable. */
  executable: number;
  covered: number;
  line_rate: number | null;
  /** Executable changed lines that did not run, ascending. */
  missing: number[];
}

export interface PatchCoverage {
  /** Lines the change added or changed, in every file. */
  lines_changed: number;
  lines_executable: number;
  lines_covered: number;
  /** Null when the change has no executable line: there is nothing to cover. */
  line_rate: number | null;
  /** The changed files with executable changed lines, by path. */
  files: PatchFile[];
}

/**
 * Only lines in a file's coverage line map count: comments, blank lines and files the report does
 * not know (documentation, tests left out of measurement) can be neither covered nor missed.
 */
export function patchCoverage(changed: ReadonlyMap<string, readonly number[]>, files: readonly FileCoverage[]): PatchCoverage {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const patch: PatchFile[] = [];
  let linesChanged = 0;
  for (const [path, lines] of changed) {
    linesChanged += lines.length;
    const hits = byPath.get(path)?.lines;
    if (hits === undefined) continue;
    const executable = lines.filter((n) => hits.has(n));
    if (executable.length === 0) continue;
    const missing = executable.filter((n) => (hits.get(n) ?? 0) === 0);
    const covered = executable.length - missing.length;
    patch.push({ path, changed: lines.length, executable: executable.length, covered, line_rate: ratio(covered, executable.length), missing });
  }
  patch.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const executable = patch.reduce((sum, f) => sum + f.executable, 0);
  const covered = patch.reduce((sum, f) => sum + f.covered, 0);
  return { lines_changed: linesChanged, lines_executable: executable, lines_covered: covered, line_rate: ratio(covered, executable), files: patch };
}

/**
 * A rate as a percentage with one decimal, rounded down, so that a value under a threshold never
 * prints as the threshold itself.
 */
export function formatPercent(rate: number | null): string {
  return rate === null ? "-" : `${(Math.floor(rate * 1000) / 10).toFixed(1)}%`;
}
