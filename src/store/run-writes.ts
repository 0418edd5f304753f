// The store's writes of runs, jobs, steps, annotations, test results and coverage. Each method
// runs inside the transaction SqliteRunStore opens for it, with the buffered log lines.
import type Database from "better-sqlite3";
import type { CoverageReport, TestCaseResult } from "../formats/report-types.js";
import type { ProcessIdentity } from "../util/process-identity.js";
import { encodeLines } from "./line-ranges.js";
import { newRunId } from "./run-id.js";
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

function statements(db: Database.Database) {
  return {
    nextNumber: db.prepare<[string], number>("SELECT COALESCE(MAX(number), 0) + 1 FROM runs WHERE repo_root = ?").pluck(),
    insertRun: db.prepare(
      `INSERT INTO runs (id, number, repo_root, event, ref, sha, actor, status, started_at, pid, pid_start, host)
       VALUES (@id, @number, @repoRoot, @event, @ref, @sha, @actor, 'in_progress', @startedAt, @pid, @processStart, @host)`,
    ),
    finishRun: db.prepare("UPDATE runs SET status = 'completed', conclusion = @conclusion, finished_at = @finishedAt, summary_json = @summary WHERE id = @id"),
    insertJob: db.prepare(
      `INSERT INTO jobs (run_id, tier, workflow, job_id, name, matrix_json, status, started_at, attempt, tree, input_key, reused_from)
       VALUES (@runId, @tier, @workflow, @jobId, @name, @matrix, @status, @startedAt, @attempt, @tree, @inputKey, @reusedFrom)`,
    ),
    startJob: db.prepare("UPDATE jobs SET status = 'in_progress', started_at = ? WHERE id = ?"),
    finishJob: db.prepare("UPDATE jobs SET status = 'completed', conclusion = ?, finished_at = ? WHERE id = ?"),
    insertStep: db.prepare(
      `INSERT INTO steps (job_row_id, step_index, name, step_id, status, started_at)
       VALUES (@jobRowId, @index, @name, @stepId, @status, @startedAt)`,
    ),
    startStep: db.prepare("UPDATE steps SET status = 'in_progress', started_at = ? WHERE id = ?"),
    finishStep: db.prepare("UPDATE steps SET status = 'completed', outcome = ?, conclusion = ?, finished_at = ? WHERE id = ?"),
    insertAnnotation: db.prepare(
      `INSERT INTO annotations (run_id, job_row_id, step_index, level, message, title, file, line, col, end_line, end_col)
       VALUES (@runId, @jobRowId, @stepIndex, @level, @message, @title, @file, @line, @col, @endLine, @endCol)`,
    ),
    jobExists: db.prepare<[number], number>("SELECT 1 FROM jobs WHERE id = ?").pluck(),
    insertTestResult: db.prepare(
      `INSERT INTO test_results (job_row_id, suite, classname, name, file, line, status, duration_ms, message, attempts, retry_statuses)
       VALUES (@jobRowId, @suite, @classname, @name, @file, @line, @status, @durationMs, @message, @attempts, @retryStatuses)`,
    ),
    insertCoverageFile: db.prepare(
      `INSERT INTO coverage_files (job_row_id, format, path, lines_valid, lines_covered, branches_valid, branches_covered, covered_lines, uncovered_lines)
       VALUES (@jobRowId, @format, @path, @linesValid, @linesCovered, @branchesValid, @branchesCovered, @coveredLines, @uncoveredLines)`,
    ),
  };
}

function changed(changes: number, what: string): void {
  if (changes === 0) throw new StoreError(`${what} is not in the run store`, "not-found");
}

/** The record of a run just created by `owner`. */
export function inProgressRun(run: NewRun, id: string, number: number, startedAt: number, owner: ProcessIdentity): RunRecord {
  return {
    id,
    number,
    repoRoot: run.repoRoot,
    event: run.event,
    ref: run.ref,
    sha: run.sha,
    actor: run.actor,
    status: "in_progress",
    conclusion: null,
    startedAt,
    finishedAt: null,
    summary: null,
    pid: owner.pid,
    processStart: owner.startTime,
    host: owner.host,
    note: null,
  };
}

export class RunWrites {
  private readonly sql: ReturnType<typeof statements>;

  constructor(
    db: Database.Database,
    private readonly owner: ProcessIdentity,
  ) {
    this.sql = statements(db);
  }

  createRun(run: NewRun): RunRecord {
    const startedAt = run.startedAt ?? Date.now();
    const record = inProgressRun(run, newRunId(startedAt), this.sql.nextNumber.get(run.repoRoot) ?? 1, startedAt, this.owner);
    this.sql.insertRun.run(record);
    return record;
  }

  finishRun(runId: string, result: RunResult): void {
    const summary = result.summary === undefined || result.summary === null ? null : JSON.stringify(result.summary);
    const { changes } = this.sql.finishRun.run({ id: runId, conclusion: result.conclusion, finishedAt: result.finishedAt ?? Date.now(), summary });
    changed(changes, `run ${runId}`);
  }

  addJob(job: NewJob): JobRecord {
    const row = {
      runId: job.runId,
      tier: job.tier,
      workflow: job.workflow,
      jobId: job.jobId,
      name: job.name,
      matrix: job.matrix === undefined || job.matrix === null ? null : JSON.stringify(job.matrix),
      status: job.startedAt === undefined ? "queued" : "in_progress",
      startedAt: job.startedAt ?? null,
      attempt: job.attempt ?? 1,
      tree: job.tree ?? null,
      inputKey: job.inputKey ?? null,
      reusedFrom: job.reusedFrom ?? null,
    } as const;
    const id = Number(this.sql.insertJob.run(row).lastInsertRowid);
    return { ...row, id, matrix: job.matrix ?? null, conclusion: null, finishedAt: null };
  }

  startJob(jobRowId: number, startedAt: number): void {
    changed(this.sql.startJob.run(startedAt, jobRowId).changes, `job row ${jobRowId}`);
  }

  finishJob(jobRowId: number, conclusion: Conclusion, finishedAt: number): void {
    changed(this.sql.finishJob.run(conclusion, finishedAt, jobRowId).changes, `job row ${jobRowId}`);
  }

  addStep(step: NewStep): StepRecord {
    const row = {
      jobRowId: step.jobRowId,
      index: step.index,
      name: step.name,
      stepId: step.stepId ?? null,
      status: step.startedAt === undefined ? "queued" : "in_progress",
      startedAt: step.startedAt ?? null,
    } as const;
    const id = Number(this.sql.insertStep.run(row).lastInsertRowid);
    return { ...row, id, outcome: null, conclusion: null, finishedAt: null };
  }

  startStep(stepRowId: number, startedAt: number): void {
    changed(this.sql.startStep.run(startedAt, stepRowId).changes, `step row ${stepRowId}`);
  }

  finishStep(stepRowId: number, result: StepResult): void {
    const finishedAt = result.finishedAt ?? Date.now();
    changed(this.sql.finishStep.run(result.outcome, result.conclusion, finishedAt, stepRowId).changes, `step row ${stepRowId}`);
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
    return { id: Number(this.sql.insertAnnotation.run(row).lastInsertRowid), ...row };
  }

  addTestResults(jobRowId: number, results: readonly TestCaseResult[]): void {
    this.jobMustExist(jobRowId);
    for (const r of results) {
      const retries = r.retries ?? [];
      this.sql.insertTestResult.run({
        jobRowId,
        suite: r.suite,
        classname: r.classname ?? null,
        name: r.name,
        file: r.file ?? null,
        line: r.line ?? null,
        status: r.status,
        durationMs: r.durationMs,
        message: r.message ?? null,
        attempts: 1 + retries.length,
        retryStatuses: retries.length === 0 ? null : retries.map((a) => a.status).join(","),
      });
    }
  }

  addCoverage(jobRowId: number, report: CoverageReport): void {
    this.jobMustExist(jobRowId);
    for (const f of report.files) {
      const covered: number[] = [];
      const uncovered: number[] = [];
      for (const [n, hits] of f.lines) (hits > 0 ? covered : uncovered).push(n);
      this.sql.insertCoverageFile.run({
        jobRowId,
        format: report.format,
        path: f.path,
        linesValid: f.linesValid,
        linesCovered: f.linesCovered,
        branchesValid: f.branchesValid ?? null,
        branchesCovered: f.branchesCovered ?? null,
        coveredLines: encodeLines(covered),
        uncoveredLines: encodeLines(uncovered),
      });
    }
  }

  /** An empty batch for a job that does not exist is an error too, as for any other write. */
  private jobMustExist(jobRowId: number): void {
    if (this.sql.jobExists.get(jobRowId) === undefined) throw new StoreError(`job row ${jobRowId} is not in the run store`, "not-found");
  }
}
