// A run's coverage rows merged per file: a line counts as covered when any job or report of the
// run covered it.
import { maxOf } from "../util/large-arrays.js";
import type { FileCoverage } from "../formats/report-types.js";
import { decodeLines } from "./line-ranges.js";

/** One row of coverage_files, its columns aliased to these names. */
export interface CoverageFileRow {
  path: string;
  linesValid: number;
  linesCovered: number;
  branchesValid: number | null;
  branchesCovered: number | null;
  coveredLines: string;
  uncoveredLines: string;
}

function lineHits(row: CoverageFileRow): Map<number, number> {
  const hits = new Map<number, number>();
  for (const n of decodeLines(row.uncoveredLines)) hits.set(n, 0);
  for (const n of decodeLines(row.coveredLines)) hits.set(n, 1);
  return hits;
}

/** Rows of one path, in the order they were added, as one file: see RunStore.coverageOf. */
function mergeFile(path: string, rows: CoverageFileRow[]): FileCoverage {
  const [only] = rows;
  if (only !== undefined && rows.length === 1) {
    const file: FileCoverage = { path, linesValid: only.linesValid, linesCovered: only.linesCovered, lines: lineHits(only) };
    if (only.branchesValid !== null) file.branchesValid = only.branchesValid;
    if (only.branchesCovered !== null) file.branchesCovered = only.branchesCovered;
    return file;
  }
  const lines = new Map<number, number>();
  for (const row of rows) {
    for (const [n, hit] of lineHits(row)) lines.set(n, Math.max(hit, lines.get(n) ?? 0));
  }
  const covered = [...lines.values()].filter((hit) => hit > 0).length;
  // Reports without line detail can only be combined by taking the best of them.
  const file: FileCoverage = {
    path,
    linesValid: lines.size > 0 ? lines.size : maxOf(rows.map((r) => r.linesValid)),
    linesCovered: lines.size > 0 ? covered : maxOf(rows.map((r) => r.linesCovered)),
    lines,
  };
  const branchesValid = rows.flatMap((r) => (r.branchesValid === null ? [] : [r.branchesValid]));
  const branchesCovered = rows.flatMap((r) => (r.branchesCovered === null ? [] : [r.branchesCovered]));
  if (branchesValid.length > 0) file.branchesValid = maxOf(branchesValid);
  if (branchesCovered.length > 0) file.branchesCovered = maxOf(branchesCovered);
  return file;
}

/** Rows sorted by path: one file per path. */
export function mergeCoverage(rows: readonly CoverageFileRow[]): FileCoverage[] {
  const byPath = new Map<string, CoverageFileRow[]>();
  for (const row of rows) {
    const same = byPath.get(row.path);
    if (same === undefined) byPath.set(row.path, [row]);
    else same.push(row);
  }
  return [...byPath].map(([path, same]) => mergeFile(path, same));
}
