// How records come out of SQL: columns are aliased to the records' field names in the SELECT
// (quoted, so that Postgres keeps their case as SQLite does), so a row is the record except for the
// few columns stored as text (JSON, lists), which the functions here turn back into values.
import type { TestStatus } from "../formats/report-types.js";
import type { JobRecord, RunRecord, TestHistoryRow } from "./types.js";

export const RUN_COLUMNS = `runs.id, runs.number, runs.repo_root AS "repoRoot", runs.event, runs.ref, runs.sha, runs.actor, runs.status,
  runs.conclusion, runs.started_at AS "startedAt", runs.finished_at AS "finishedAt", runs.summary_json AS summary, runs.pid,
  runs.pid_start AS "processStart", runs.host, runs.note`;

export const JOB_COLUMNS = `id, run_id AS "runId", tier, workflow, job_id AS "jobId", name, matrix_json AS matrix, status, conclusion,
  started_at AS "startedAt", finished_at AS "finishedAt", attempt, tree, input_key AS "inputKey", reused_from AS "reusedFrom"`;

export const STEP_COLUMNS = `id, job_row_id AS "jobRowId", step_index AS "index", name, step_id AS "stepId", status, outcome, conclusion,
  started_at AS "startedAt", finished_at AS "finishedAt"`;

export const LOG_COLUMNS = `job_row_id AS "jobRowId", step_index AS "stepIndex", seq, ts, stream, text`;

export const ANNOTATION_COLUMNS = `id, run_id AS "runId", job_row_id AS "jobRowId", step_index AS "stepIndex", level, message, title, file,
  line, col, end_line AS "endLine", end_col AS "endCol"`;

/** Over coverage_files aliased c, named as CoverageFileRow's fields. */
export const COVERAGE_COLUMNS = `c.path, c.lines_valid AS "linesValid", c.lines_covered AS "linesCovered", c.branches_valid AS "branchesValid",
  c.branches_covered AS "branchesCovered", c.covered_lines AS "coveredLines", c.uncovered_lines AS "uncoveredLines"`;

export type RunRow = Omit<RunRecord, "summary"> & { summary: string | null };
export type JobRow = Omit<JobRecord, "matrix"> & { matrix: string | null };
export type TestHistorySqlRow = Omit<TestHistoryRow, "matrix" | "retryStatuses"> & { matrix: string | null; retryStatuses: string | null };

function parsed<T>(json: string | null): T | null {
  return json === null ? null : (JSON.parse(json) as T);
}

export function toRun(row: RunRow): RunRecord {
  return { ...row, summary: parsed<unknown>(row.summary) };
}

export function toJob(row: JobRow): JobRecord {
  return { ...row, matrix: parsed<Record<string, unknown>>(row.matrix) };
}

export function toTestHistoryRow(row: TestHistorySqlRow): TestHistoryRow {
  return {
    ...row,
    matrix: parsed<Record<string, unknown>>(row.matrix),
    retryStatuses: row.retryStatuses === null ? [] : (row.retryStatuses.split(",") as TestStatus[]),
  };
}
