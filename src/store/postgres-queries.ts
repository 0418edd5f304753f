// The store's reads on Postgres: the statements of queries.ts in Postgres's dialect (typed
// parameters, IS NOT DISTINCT FROM, FILTER), returning the same records.
import type { FileCoverage } from "../formats/report-types.js";
import { mergeCoverage, type CoverageFileRow } from "./coverage-merge.js";
import type { PostgresBridge } from "./postgres-bridge.js";
import { resolveRunRef } from "./queries.js";
import {
  ANNOTATION_COLUMNS,
  COVERAGE_COLUMNS,
  JOB_COLUMNS,
  LOG_COLUMNS,
  RUN_COLUMNS,
  STEP_COLUMNS,
  toJob,
  toRun,
  toTestHistoryRow,
  type JobRow,
  type RunRow,
  type TestHistorySqlRow,
} from "./rows.js";
import type { AnnotationRecord, JobRecord, ListRunsOptions, LogLine, RunRecord, StepRecord, TestHistoryOptions, TestHistoryRow, TestTotals } from "./types.js";

const RECORDED = {
  tests: "EXISTS (SELECT 1 FROM jobs j JOIN test_results t ON t.job_row_id = j.id WHERE j.run_id = runs.id)",
  coverage: "EXISTS (SELECT 1 FROM jobs j JOIN coverage_files c ON c.job_row_id = j.id WHERE j.run_id = runs.id)",
} as const;

/** Lines read per round trip by iterateLogs. */
const LOG_PAGE = 1000;

export class PostgresQueries {
  constructor(private readonly db: PostgresBridge) {}

  listRuns(options: ListRunsOptions): RunRecord[] {
    const recorded = options.recorded === undefined ? "" : `AND ${RECORDED[options.recorded]}`;
    return this.db
      .rows<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE ($1::text IS NULL OR repo_root = $1) ${recorded} ORDER BY id DESC LIMIT $2`, [
        options.repoRoot ?? null,
        options.limit,
      ])
      .map(toRun);
  }

  getRun(ref: string | number, repoRoot?: string): RunRecord | undefined {
    const repo = repoRoot ?? null;
    const where = "($1::text IS NULL OR repo_root = $1)";
    return resolveRunRef(ref, {
      byNumber: (number) => this.db.rows<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE ${where} AND number = $2 ORDER BY id LIMIT 2`, [repo, number]),
      byIdRange: (from, to) =>
        this.db.rows<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE ${where} AND id >= $2 AND id < $3 ORDER BY id LIMIT 2`, [repo, from, to]),
    });
  }

  jobsOf(runId: string): JobRecord[] {
    return this.db.rows<JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE run_id = $1 ORDER BY id`, [runId]).map(toJob);
  }

  stepsOf(jobRowId: number): StepRecord[] {
    return this.db.rows<StepRecord>(`SELECT ${STEP_COLUMNS} FROM steps WHERE job_row_id = $1 ORDER BY step_index`, [jobRowId]);
  }

  logsOf(jobRowId: number, stepIndex?: number | null): LogLine[] {
    if (stepIndex === undefined) return this.db.rows<LogLine>(`SELECT ${LOG_COLUMNS} FROM logs WHERE job_row_id = $1 ORDER BY seq`, [jobRowId]);
    return this.db.rows<LogLine>(`SELECT ${LOG_COLUMNS} FROM logs WHERE job_row_id = $1 AND step_index IS NOT DISTINCT FROM $2::integer ORDER BY seq`, [
      jobRowId,
      stepIndex,
    ]);
  }

  /** A page of lines at a time, each page after the last seq read: constant memory for a log of any size. */
  logLength(jobRowId: number): number {
    const [row] = this.db.rows<{ n: number | string }>("SELECT COALESCE(MAX(seq), 0) AS n FROM logs WHERE job_row_id = $1", [jobRowId]);
    return Number(row?.n ?? 0);
  }

  *iterateLogs(jobRowId: number, fromSeq = 1): IterableIterator<LogLine> {
    let after = fromSeq - 1;
    for (;;) {
      const page = this.db.rows<LogLine>(`SELECT ${LOG_COLUMNS} FROM logs WHERE job_row_id = $1 AND seq > $2 ORDER BY seq LIMIT ${LOG_PAGE}`, [
        jobRowId,
        after,
      ]);
      yield* page;
      const last = page[page.length - 1];
      if (last === undefined || page.length < LOG_PAGE) return;
      after = last.seq;
    }
  }

  annotationsOf(runId: string): AnnotationRecord[] {
    return this.db.rows<AnnotationRecord>(`SELECT ${ANNOTATION_COLUMNS} FROM annotations WHERE run_id = $1 ORDER BY id`, [runId]);
  }

  testHistory(options: TestHistoryOptions): TestHistoryRow[] {
    return this.db
      .rows<TestHistorySqlRow>(
        `WITH picked AS (
           SELECT r.id FROM runs r
           WHERE r.repo_root = $1 AND ($2::bigint IS NULL OR r.started_at >= $2)
             AND EXISTS (SELECT 1 FROM jobs j JOIN test_results t ON t.job_row_id = j.id WHERE j.run_id = r.id AND j.reused_from IS NULL)
           ORDER BY r.id DESC LIMIT $3
         )
         SELECT r.id AS "runId", r.number AS "runNumber", r.sha, r.ref, r.started_at AS "runStartedAt",
                j.id AS "jobRowId", j.workflow, j.job_id AS "jobId", j.name AS "jobName", j.matrix_json AS matrix, j.attempt AS "jobAttempt",
                j.tree, j.input_key AS "inputKey", t.suite, t.classname, t.name, t.file, t.line, t.status, t.duration_ms AS "durationMs", t.message, t.attempts,
                t.retry_statuses AS "retryStatuses"
         FROM picked p JOIN runs r ON r.id = p.id JOIN jobs j ON j.run_id = r.id JOIN test_results t ON t.job_row_id = j.id
         WHERE j.reused_from IS NULL
         ORDER BY r.id, j.id, t.id`,
        // LIMIT NULL is no limit.
        [options.repoRoot, options.since ?? null, options.limit ?? null],
      )
      .map(toTestHistoryRow);
  }

  coverageOf(runId: string, jobRowId?: number): FileCoverage[] {
    const rows = this.db.rows<CoverageFileRow>(
      `SELECT ${COVERAGE_COLUMNS} FROM coverage_files c JOIN jobs j ON c.job_row_id = j.id
       WHERE j.run_id = $1 AND ($2::bigint IS NULL OR j.id = $2) ORDER BY c.path, c.id`,
      [runId, jobRowId ?? null],
    );
    return mergeCoverage(rows);
  }

  /** A job run again (a higher attempt of the same job and matrix) replaces its earlier results, as on GitHub. */
  testTotals(runId: string): TestTotals {
    const [totals] = this.db.rows<TestTotals>(
      `SELECT COUNT(*) FILTER (WHERE t.status = 'passed')::integer AS passed,
              COUNT(*) FILTER (WHERE t.status IN ('failed', 'error'))::integer AS failed,
              COUNT(*) FILTER (WHERE t.status = 'skipped')::integer AS skipped
       FROM test_results t JOIN jobs j ON t.job_row_id = j.id
       WHERE j.run_id = $1 AND NOT EXISTS (
         SELECT 1 FROM jobs k WHERE k.run_id = j.run_id AND k.workflow = j.workflow AND k.job_id = j.job_id
           AND k.matrix_json IS NOT DISTINCT FROM j.matrix_json AND k.attempt > j.attempt)`,
      [runId],
    );
    return totals ?? { passed: 0, failed: 0, skipped: 0 };
  }
}
