// The store's reads. Each statement names its columns as the record fields they fill (see
// rows.ts), so a row needs no mapping beyond its JSON and list columns.
import type Database from "better-sqlite3";
import type { FileCoverage } from "../formats/report-types.js";
import { mergeCoverage, type CoverageFileRow } from "./coverage-merge.js";
import { isRunIdPrefix } from "./run-id.js";
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
import {
  StoreError,
  type AnnotationRecord,
  type JobRecord,
  type ListRunsOptions,
  type LogLine,
  type RunRecord,
  type StepRecord,
  type TestHistoryOptions,
  type TestHistoryRow,
  type TestTotals,
} from "./types.js";

function statements(db: Database.Database) {
  return {
    listRuns: db.prepare<{ repo: string | null; limit: number }, RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs WHERE (@repo IS NULL OR repo_root = @repo) ORDER BY id DESC LIMIT @limit`,
    ),
    listRecordedRuns: db.prepare<{ repo: string | null; recorded: "tests" | "coverage"; limit: number }, RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs WHERE (@repo IS NULL OR runs.repo_root = @repo) AND CASE @recorded
         WHEN 'tests' THEN EXISTS (SELECT 1 FROM jobs j JOIN test_results t ON t.job_row_id = j.id WHERE j.run_id = runs.id)
         ELSE EXISTS (SELECT 1 FROM jobs j JOIN coverage_files c ON c.job_row_id = j.id WHERE j.run_id = runs.id)
       END
       ORDER BY runs.id DESC LIMIT @limit`,
    ),
    runsByNumber: db.prepare<{ number: number; repo: string | null }, RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs WHERE number = @number AND (@repo IS NULL OR repo_root = @repo) ORDER BY id LIMIT 2`,
    ),
    runsByIdPrefix: db.prepare<{ from: string; to: string; repo: string | null }, RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs WHERE id >= @from AND id < @to AND (@repo IS NULL OR repo_root = @repo) ORDER BY id LIMIT 2`,
    ),
    jobsOf: db.prepare<[string], JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs WHERE run_id = ? ORDER BY id`),
    stepsOf: db.prepare<[number], StepRecord>(`SELECT ${STEP_COLUMNS} FROM steps WHERE job_row_id = ? ORDER BY step_index`),
    logsOfJob: db.prepare<[number], LogLine>(`SELECT ${LOG_COLUMNS} FROM logs WHERE job_row_id = ? ORDER BY seq`),
    logLength: db.prepare<[number], { n: number }>("SELECT COALESCE(MAX(seq), 0) AS n FROM logs WHERE job_row_id = ?"),
    logsOfJobFrom: db.prepare<[number, number], LogLine>(`SELECT ${LOG_COLUMNS} FROM logs WHERE job_row_id = ? AND seq >= ? ORDER BY seq`),
    logsOfStep: db.prepare<[number, number | null], LogLine>(`SELECT ${LOG_COLUMNS} FROM logs WHERE job_row_id = ? AND step_index IS ? ORDER BY seq`),
    annotationsOf: db.prepare<[string], AnnotationRecord>(`SELECT ${ANNOTATION_COLUMNS} FROM annotations WHERE run_id = ? ORDER BY id`),
    testHistory: db.prepare<{ repo: string; since: number | null; limit: number }, TestHistorySqlRow>(
      `WITH picked AS (
         SELECT r.id FROM runs r
         WHERE r.repo_root = @repo AND (@since IS NULL OR r.started_at >= @since)
           AND EXISTS (SELECT 1 FROM jobs j JOIN test_results t ON t.job_row_id = j.id WHERE j.run_id = r.id AND j.reused_from IS NULL)
         ORDER BY r.id DESC LIMIT @limit
       )
       SELECT r.id AS "runId", r.number AS "runNumber", r.sha, r.ref, r.started_at AS "runStartedAt",
              j.id AS "jobRowId", j.workflow, j.job_id AS "jobId", j.name AS "jobName", j.matrix_json AS matrix, j.attempt AS "jobAttempt",
              j.tree, j.input_key AS "inputKey",
              t.suite, t.classname, t.name, t.file, t.line, t.status, t.duration_ms AS "durationMs", t.message, t.attempts,
              t.retry_statuses AS "retryStatuses"
       FROM picked p JOIN runs r ON r.id = p.id JOIN jobs j ON j.run_id = r.id JOIN test_results t ON t.job_row_id = j.id
       WHERE j.reused_from IS NULL
       ORDER BY r.id, j.id, t.id`,
    ),
    coverageOf: db.prepare<{ run: string; job: number | null }, CoverageFileRow>(
      `SELECT ${COVERAGE_COLUMNS} FROM coverage_files c JOIN jobs j ON c.job_row_id = j.id
       WHERE j.run_id = @run AND (@job IS NULL OR j.id = @job) ORDER BY c.path, c.id`,
    ),
    // A job run again (a higher attempt of the same job and matrix) replaces the results of the
    // earlier attempts, as on GitHub.
    testTotals: db.prepare<[string], TestTotals>(
      `SELECT COALESCE(SUM(t.status = 'passed'), 0) AS passed,
              COALESCE(SUM(t.status IN ('failed', 'error')), 0) AS failed,
              COALESCE(SUM(t.status = 'skipped'), 0) AS skipped
       FROM test_results t JOIN jobs j ON t.job_row_id = j.id
       WHERE j.run_id = ? AND NOT EXISTS (
         SELECT 1 FROM jobs k WHERE k.run_id = j.run_id AND k.workflow = j.workflow AND k.job_id = j.job_id
           AND k.matrix_json IS j.matrix_json AND k.attempt > j.attempt)`,
    ),
  };
}

export class RunQueries {
  private readonly sql: ReturnType<typeof statements>;

  constructor(db: Database.Database) {
    this.sql = statements(db);
  }

  listRuns(options: ListRunsOptions): RunRecord[] {
    const repo = options.repoRoot ?? null;
    const rows =
      options.recorded === undefined
        ? this.sql.listRuns.all({ repo, limit: options.limit })
        : this.sql.listRecordedRuns.all({ repo, recorded: options.recorded, limit: options.limit });
    return rows.map(toRun);
  }

  getRun(ref: string | number, repoRoot?: string): RunRecord | undefined {
    const repo = repoRoot ?? null;
    return resolveRunRef(ref, {
      byNumber: (number) => this.sql.runsByNumber.all({ number, repo }),
      byIdRange: (from, to) => this.sql.runsByIdPrefix.all({ from, to, repo }),
    });
  }

  jobsOf(runId: string): JobRecord[] {
    return this.sql.jobsOf.all(runId).map(toJob);
  }

  stepsOf(jobRowId: number): StepRecord[] {
    return this.sql.stepsOf.all(jobRowId);
  }

  logsOf(jobRowId: number, stepIndex?: number | null): LogLine[] {
    return stepIndex === undefined ? this.sql.logsOfJob.all(jobRowId) : this.sql.logsOfStep.all(jobRowId, stepIndex);
  }

  /** One row at a time from the database: a log of any size is read in constant memory. */
  iterateLogs(jobRowId: number, fromSeq = 1): IterableIterator<LogLine> {
    return this.sql.logsOfJobFrom.iterate(jobRowId, fromSeq);
  }

  logLength(jobRowId: number): number {
    return this.sql.logLength.get(jobRowId)?.n ?? 0;
  }

  annotationsOf(runId: string): AnnotationRecord[] {
    return this.sql.annotationsOf.all(runId);
  }

  testHistory(options: TestHistoryOptions): TestHistoryRow[] {
    // SQLite reads a negative LIMIT as no limit.
    return this.sql.testHistory.all({ repo: options.repoRoot, since: options.since ?? null, limit: options.limit ?? -1 }).map(toTestHistoryRow);
  }

  coverageOf(runId: string, jobRowId?: number): FileCoverage[] {
    return mergeCoverage(this.sql.coverageOf.all({ run: runId, job: jobRowId ?? null }));
  }

  testTotals(runId: string): TestTotals {
    return this.sql.testTotals.get(runId) ?? { passed: 0, failed: 0, skipped: 0 };
  }
}

/** How a backend finds at most two runs (enough to tell that a reference is ambiguous) by number, or by id in [from, to). */
export interface RunLookups {
  byNumber(number: number): RunRow[];
  byIdRange(from: string, to: string): RunRow[];
}

/** See RunStore.getRun. */
export function resolveRunRef(ref: string | number, lookups: RunLookups): RunRecord | undefined {
  const text = String(ref).trim().toLowerCase();
  if (/^\d+$/.test(text)) {
    const found = unique(lookups.byNumber(Number(text)), `number ${text}`, "name the repository");
    if (found !== undefined || typeof ref === "number") return found;
  }
  if (!isRunIdPrefix(text)) return undefined;
  // Ids use only characters below "~", so [prefix, prefix + "~") is exactly the ids starting with it.
  return unique(lookups.byIdRange(text, `${text}~`), `an id starting with ${text}`, "give more of the id");
}

/** `rows` holds at most two: enough to tell that a reference is ambiguous. */
function unique(rows: RunRow[], what: string, hint: string): RunRecord | undefined {
  if (rows.length > 1) {
    const examples = rows.map((r) => `${r.id} in ${r.repoRoot}`).join(" and ");
    throw new StoreError(`more than one run has ${what}, such as ${examples}; ${hint}`, "ambiguous-run");
  }
  const row = rows[0];
  return row === undefined ? undefined : toRun(row);
}
