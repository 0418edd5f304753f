// The store's writes on Postgres. Each method hands its statements to `commit`, which runs them
// in one transaction after the buffered log lines (see PostgresRunStore.commit), so one write is
// one round trip to the database.
import type { CoverageReport, TestCaseResult } from "../formats/report-types.js";
import type { ProcessIdentity } from "../util/process-identity.js";
import { encodeLines } from "./line-ranges.js";
import type { LogRow } from "./log-buffer.js";
import type { Statement, StatementResult } from "./postgres-bridge.js";
import { newRunId } from "./run-id.js";
import { inProgressRun } from "./run-writes.js";
import {
  StoreError,
  type AnnotationRecord,
  type Conclusion,
  type JobRecord,
  type NewAnnotation,
  type NewJob,
  type NewRun,
  type NewStep,
  type RunRecord,
  type RunResult,
  type StepRecord,
  type StepResult,
} from "./types.js";

export type Commit = (statements: Statement[]) => StatementResult[];

const sql = (text: string, ...params: unknown[]): Statement => ({ sql: text, params });

/** The statement that writes buffered log lines, as columns: one statement whatever the batch size. */
export function insertLogs(rows: readonly LogRow[]): Statement {
  const column = (i: number): unknown[] => rows.map((row) => row[i]);
  return sql(
    `INSERT INTO logs (job_row_id, seq, step_index, ts, stream, text)
     SELECT * FROM unnest($1::bigint[], $2::integer[], $3::integer[], $4::bigint[], $5::text[], $6::text[])`,
    ...[0, 1, 2, 3, 4, 5].map(column),
  );
}

function changed(result: StatementResult | undefined, what: string): void {
  if ((result?.rowCount ?? 0) === 0) throw new StoreError(`${what} is not in the run store`, "not-found");
}

/** Inserts only when the job row exists, so that a missing job is told apart from a bad row. */
const JOB_EXISTS = "EXISTS (SELECT 1 FROM jobs WHERE id = $1)";

export class PostgresWrites {
  constructor(
    private readonly commit: Commit,
    private readonly owner: ProcessIdentity,
  ) {}

  createRun(run: NewRun): RunRecord {
    const startedAt = run.startedAt ?? Date.now();
    const id = newRunId(startedAt);
    const [, inserted] = this.commit([
      sql(
        `INSERT INTO run_numbers (repo_root, last) VALUES ($1, 1)
         ON CONFLICT (repo_root) DO UPDATE SET last = run_numbers.last + 1`,
        run.repoRoot,
      ),
      sql(
        `INSERT INTO runs (id, number, repo_root, event, ref, sha, actor, status, started_at, pid, pid_start, host)
         VALUES ($1, (SELECT last FROM run_numbers WHERE repo_root = $2), $2, $3, $4, $5, $6, 'in_progress', $7, $8, $9, $10)
         RETURNING number`,
        id,
        run.repoRoot,
        run.event,
        run.ref,
        run.sha,
        run.actor,
        startedAt,
        this.owner.pid,
        this.owner.startTime,
        this.owner.host,
      ),
    ]);
    return inProgressRun(run, id, Number(inserted?.rows[0]?.number), startedAt, this.owner);
  }

  finishRun(runId: string, result: RunResult): void {
    const summary = result.summary === undefined || result.summary === null ? null : JSON.stringify(result.summary);
    const [done] = this.commit([
      sql(
        "UPDATE runs SET status = 'completed', conclusion = $2, finished_at = $3, summary_json = $4 WHERE id = $1",
        runId,
        result.conclusion,
        result.finishedAt ?? Date.now(),
        summary,
      ),
    ]);
    changed(done, `run ${runId}`);
  }

  addJob(job: NewJob): JobRecord {
    const matrix = job.matrix === undefined || job.matrix === null ? null : JSON.stringify(job.matrix);
    const status = job.startedAt === undefined ? "queued" : "in_progress";
    const startedAt = job.startedAt ?? null;
    const attempt = job.attempt ?? 1;
    const [inserted] = this.commit([
      sql(
        `INSERT INTO jobs (run_id, tier, workflow, job_id, name, matrix_json, status, started_at, attempt, tree, input_key, reused_from)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
        job.runId,
        job.tier,
        job.workflow,
        job.jobId,
        job.name,
        matrix,
        status,
        startedAt,
        attempt,
        job.tree ?? null,
        job.inputKey ?? null,
        job.reusedFrom ?? null,
      ),
    ]);
    const id = Number(inserted?.rows[0]?.id);
    return {
      id,
      runId: job.runId,
      tier: job.tier,
      workflow: job.workflow,
      jobId: job.jobId,
      name: job.name,
      matrix: job.matrix ?? null,
      status,
      conclusion: null,
      startedAt,
      finishedAt: null,
      attempt,
      tree: job.tree ?? null,
      inputKey: job.inputKey ?? null,
      reusedFrom: job.reusedFrom ?? null,
    };
  }

  startJob(jobRowId: number, startedAt: number): void {
    changed(this.commit([sql("UPDATE jobs SET status = 'in_progress', started_at = $2 WHERE id = $1", jobRowId, startedAt)])[0], `job row ${jobRowId}`);
  }

  finishJob(jobRowId: number, conclusion: Conclusion, finishedAt: number): void {
    const [done] = this.commit([
      sql("UPDATE jobs SET status = 'completed', conclusion = $2, finished_at = $3 WHERE id = $1", jobRowId, conclusion, finishedAt),
    ]);
    changed(done, `job row ${jobRowId}`);
  }

  addStep(step: NewStep): StepRecord {
    const stepId = step.stepId ?? null;
    const status = step.startedAt === undefined ? "queued" : "in_progress";
    const startedAt = step.startedAt ?? null;
    const [inserted] = this.commit([
      sql(
        "INSERT INTO steps (job_row_id, step_index, name, step_id, status, started_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        step.jobRowId,
        step.index,
        step.name,
        stepId,
        status,
        startedAt,
      ),
    ]);
    const id = Number(inserted?.rows[0]?.id);
    return { id, jobRowId: step.jobRowId, index: step.index, name: step.name, stepId, status, outcome: null, conclusion: null, startedAt, finishedAt: null };
  }

  startStep(stepRowId: number, startedAt: number): void {
    changed(this.commit([sql("UPDATE steps SET status = 'in_progress', started_at = $2 WHERE id = $1", stepRowId, startedAt)])[0], `step row ${stepRowId}`);
  }

  finishStep(stepRowId: number, result: StepResult): void {
    const [done] = this.commit([
      sql(
        "UPDATE steps SET status = 'completed', outcome = $2, conclusion = $3, finished_at = $4 WHERE id = $1",
        stepRowId,
        result.outcome,
        result.conclusion,
        result.finishedAt ?? Date.now(),
      ),
    ]);
    changed(done, `step row ${stepRowId}`);
  }

  addAnnotation(annotation: NewAnnotation): AnnotationRecord {
    const row = {
      runId: annotation.runId,
      jobRowId: annotation.jobRowId ?? null,
      stepIndex: annotation.stepIndex ?? null,
      level: annotation.level,
      message: annotation.message,
      title: annotation.title ?? null,
      file: annotation.file ?? null,
      line: annotation.line ?? null,
      col: annotation.col ?? null,
      endLine: annotation.endLine ?? null,
      endCol: annotation.endCol ?? null,
    };
    const [inserted] = this.commit([
      sql(
        `INSERT INTO annotations (run_id, job_row_id, step_index, level, message, title, file, line, col, end_line, end_col)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
        ...Object.values(row),
      ),
    ]);
    return { id: Number(inserted?.rows[0]?.id), ...row };
  }

  addTestResults(jobRowId: number, results: readonly TestCaseResult[]): void {
    const column = <T>(pick: (r: TestCaseResult) => T): T[] => results.map(pick);
    const [exists] = this.commit([
      sql(`SELECT ${JOB_EXISTS} AS found`, jobRowId),
      sql(
        `INSERT INTO test_results (job_row_id, suite, classname, name, file, line, status, duration_ms, message, attempts, retry_statuses)
         SELECT $1::bigint, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[], $8::float8[], $9::text[], $10::integer[], $11::text[])
         WHERE ${JOB_EXISTS}`,
        jobRowId,
        column((r) => r.suite),
        column((r) => r.classname ?? null),
        column((r) => r.name),
        column((r) => r.file ?? null),
        column((r) => r.line ?? null),
        column((r) => r.status),
        column((r) => r.durationMs),
        column((r) => r.message ?? null),
        column((r) => 1 + (r.retries ?? []).length),
        column((r) => ((r.retries ?? []).length === 0 ? null : (r.retries ?? []).map((a) => a.status).join(","))),
      ),
    ]);
    this.jobMustHaveExisted(exists, jobRowId);
  }

  addCoverage(jobRowId: number, report: CoverageReport): void {
    const lines = report.files.map((f) => {
      const covered: number[] = [];
      const uncovered: number[] = [];
      for (const [n, hits] of f.lines) (hits > 0 ? covered : uncovered).push(n);
      return { covered: encodeLines(covered), uncovered: encodeLines(uncovered) };
    });
    const [exists] = this.commit([
      sql(`SELECT ${JOB_EXISTS} AS found`, jobRowId),
      sql(
        `INSERT INTO coverage_files (job_row_id, format, path, lines_valid, lines_covered, branches_valid, branches_covered, covered_lines, uncovered_lines)
         SELECT $1::bigint, $2::text, * FROM unnest($3::text[], $4::integer[], $5::integer[], $6::integer[], $7::integer[], $8::text[], $9::text[])
         WHERE ${JOB_EXISTS}`,
        jobRowId,
        report.format,
        report.files.map((f) => f.path),
        report.files.map((f) => f.linesValid),
        report.files.map((f) => f.linesCovered),
        report.files.map((f) => f.branchesValid ?? null),
        report.files.map((f) => f.branchesCovered ?? null),
        lines.map((l) => l.covered),
        lines.map((l) => l.uncovered),
      ),
    ]);
    this.jobMustHaveExisted(exists, jobRowId);
  }

  /** An empty batch for a job that does not exist is an error too, as for any other write. */
  private jobMustHaveExisted(exists: StatementResult | undefined, jobRowId: number): void {
    if (exists?.rows[0]?.found !== true) throw new StoreError(`job row ${jobRowId} is not in the run store`, "not-found");
  }
}
