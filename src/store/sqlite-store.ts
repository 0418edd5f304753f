// The RunStore on an embedded SQLite database (better-sqlite3). Synchronous, like the library:
// each call is a short local transaction, and a caller that has just been told a write succeeded
// can rely on it without awaiting anything.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import type { CoverageReport, FileCoverage, TestCaseResult, TestStatus } from "../formats/report-types.js";
import { decodeLines, encodeLines } from "./line-ranges.js";
import { isRunIdPrefix, newRunId } from "./run-id.js";
import { migrate } from "./schema.js";
import {
  StoreError,
  type AnnotationLevel,
  type AnnotationRecord,
  type Conclusion,
  type JobRecord,
  type ListRunsOptions,
  type LogLine,
  type LogStream,
  type NewAnnotation,
  type NewJob,
  type NewLogLine,
  type NewRun,
  type NewStep,
  type RunRecord,
  type RunResult,
  type RunStore,
  type Status,
  type StepRecord,
  type StepResult,
  type TestHistoryOptions,
  type TestHistoryRow,
  type TestTotals,
} from "./types.js";

export interface StoreOptions {
  /** Buffered log lines that trigger a write. */
  logBatchLines?: number;
  /** Longest time a log line waits in the buffer; also the most a SIGKILL can lose. */
  logFlushMs?: number;
  /** How long a write waits for another process holding the write lock. */
  busyTimeoutMs?: number;
}

const DEFAULTS: Required<StoreOptions> = { logBatchLines: 500, logFlushMs: 100, busyTimeoutMs: 10_000 };

/** Where a repository's runs are kept unless told otherwise. */
export function defaultStorePath(repoRoot: string): string {
  return join(repoRoot, ".tierci", "tierci.db");
}

/**
 * Opens (creating it and its directory if needed) the database at `path`, or an in-memory one for
 * ":memory:", migrates it, and closes out the runs that a process on this host left in progress
 * when it died: they, and their unfinished jobs and steps, become completed/cancelled at their
 * last recorded activity, with a note saying so.
 */
export function openStore(path: string, options: StoreOptions = {}): RunStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULTS.busyTimeoutMs;
  const db = new Database(path, { timeout: busyTimeoutMs });
  try {
    enableWal(db, busyTimeoutMs);
    // In WAL mode NORMAL loses no committed transaction when the process dies, only on power loss.
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db);
    const store = new SqliteRunStore(db, { ...DEFAULTS, ...stripUndefined(options) });
    store.closeInterruptedRuns();
    return store;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Switching a new file to WAL needs it to itself, and SQLite answers SQLITE_BUSY at once, without
 * its busy handler, while another process is opening the same new file: so retry here, as long as
 * the busy timeout would have waited.
 */
function enableWal(db: Database.Database, timeoutMs: number): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let mode: unknown;
    try {
      mode = db.pragma("journal_mode = WAL", { simple: true });
    } catch (err) {
      if ((err as { code?: unknown }).code !== "SQLITE_BUSY" || Date.now() >= deadline) throw err;
    }
    if (mode === "wal" || db.memory) return;
    if (Date.now() >= deadline) throw new Error(`could not put ${db.name} in WAL mode: it stays in ${String(mode)} mode`);
    Atomics.wait(pause, 0, 0, 5);
  }
}

function stripUndefined(options: StoreOptions): StoreOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

type LogRow = [jobRowId: number, seq: number, stepIndex: number | null, ts: number, stream: LogStream, text: string];

interface RunRow {
  id: string;
  number: number;
  repo_root: string;
  event: string;
  ref: string;
  sha: string;
  actor: string;
  status: Status;
  conclusion: Conclusion | null;
  started_at: number;
  finished_at: number | null;
  summary_json: string | null;
  pid: number;
  host: string;
  note: string | null;
}

interface JobRow {
  id: number;
  run_id: string;
  tier: string;
  workflow: string;
  job_id: string;
  name: string;
  matrix_json: string | null;
  status: Status;
  conclusion: Conclusion | null;
  started_at: number | null;
  finished_at: number | null;
  attempt: number;
}

interface StepRow {
  id: number;
  job_row_id: number;
  step_index: number;
  name: string;
  step_id: string | null;
  status: Status;
  outcome: Conclusion | null;
  conclusion: Conclusion | null;
  started_at: number | null;
  finished_at: number | null;
}

interface LogLineRow {
  job_row_id: number;
  seq: number;
  step_index: number | null;
  ts: number;
  stream: LogStream;
  text: string;
}

interface AnnotationRow {
  id: number;
  run_id: string;
  job_row_id: number | null;
  step_index: number | null;
  level: AnnotationLevel;
  message: string;
  title: string | null;
  file: string | null;
  line: number | null;
  col: number | null;
  end_line: number | null;
  end_col: number | null;
}

interface TestHistorySqlRow {
  run_id: string;
  run_number: number;
  sha: string;
  ref: string;
  run_started_at: number;
  job_row_id: number;
  workflow: string;
  job_id: string;
  job_name: string;
  matrix_json: string | null;
  job_attempt: number;
  suite: string;
  classname: string | null;
  name: string;
  file: string | null;
  line: number | null;
  status: TestStatus;
  duration_ms: number;
  message: string | null;
  attempts: number;
  retry_statuses: string | null;
}

interface CoverageFileRow {
  path: string;
  lines_valid: number;
  lines_covered: number;
  branches_valid: number | null;
  branches_covered: number | null;
  covered_lines: string;
  uncovered_lines: string;
}

function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    number: row.number,
    repoRoot: row.repo_root,
    event: row.event,
    ref: row.ref,
    sha: row.sha,
    actor: row.actor,
    status: row.status,
    conclusion: row.conclusion,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    summary: row.summary_json === null ? null : (JSON.parse(row.summary_json) as unknown),
    pid: row.pid,
    host: row.host,
    note: row.note,
  };
}

function toJob(row: JobRow): JobRecord {
  return {
    id: row.id,
    runId: row.run_id,
    tier: row.tier,
    workflow: row.workflow,
    jobId: row.job_id,
    name: row.name,
    matrix: row.matrix_json === null ? null : (JSON.parse(row.matrix_json) as Record<string, unknown>),
    status: row.status,
    conclusion: row.conclusion,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    attempt: row.attempt,
  };
}

function toStep(row: StepRow): StepRecord {
  return {
    id: row.id,
    jobRowId: row.job_row_id,
    index: row.step_index,
    name: row.name,
    stepId: row.step_id,
    status: row.status,
    outcome: row.outcome,
    conclusion: row.conclusion,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

function toLogLine(row: LogLineRow): LogLine {
  return { jobRowId: row.job_row_id, stepIndex: row.step_index, seq: row.seq, ts: row.ts, stream: row.stream, text: row.text };
}

function toAnnotation(row: AnnotationRow): AnnotationRecord {
  return {
    id: row.id,
    runId: row.run_id,
    jobRowId: row.job_row_id,
    stepIndex: row.step_index,
    level: row.level,
    message: row.message,
    title: row.title,
    file: row.file,
    line: row.line,
    col: row.col,
    endLine: row.end_line,
    endCol: row.end_col,
  };
}

function toTestHistoryRow(row: TestHistorySqlRow): TestHistoryRow {
  return {
    runId: row.run_id,
    runNumber: row.run_number,
    sha: row.sha,
    ref: row.ref,
    runStartedAt: row.run_started_at,
    jobRowId: row.job_row_id,
    workflow: row.workflow,
    jobId: row.job_id,
    jobName: row.job_name,
    matrix: row.matrix_json === null ? null : (JSON.parse(row.matrix_json) as Record<string, unknown>),
    jobAttempt: row.job_attempt,
    suite: row.suite,
    classname: row.classname,
    name: row.name,
    file: row.file,
    line: row.line,
    status: row.status,
    durationMs: row.duration_ms,
    message: row.message,
    attempts: row.attempts,
    retryStatuses: row.retry_statuses === null ? [] : (row.retry_statuses.split(",") as TestStatus[]),
  };
}

function lineHits(row: CoverageFileRow): Map<number, number> {
  const hits = new Map<number, number>();
  for (const n of decodeLines(row.uncovered_lines)) hits.set(n, 0);
  for (const n of decodeLines(row.covered_lines)) hits.set(n, 1);
  return hits;
}

/** Rows of one path, in the order they were added, as one file: see RunStore.coverageOf. */
function mergeCoverage(path: string, rows: CoverageFileRow[]): FileCoverage {
  const [only] = rows;
  if (only !== undefined && rows.length === 1) {
    const file: FileCoverage = { path, linesValid: only.lines_valid, linesCovered: only.lines_covered, lines: lineHits(only) };
    if (only.branches_valid !== null) file.branchesValid = only.branches_valid;
    if (only.branches_covered !== null) file.branchesCovered = only.branches_covered;
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
    linesValid: lines.size > 0 ? lines.size : Math.max(...rows.map((r) => r.lines_valid)),
    linesCovered: lines.size > 0 ? covered : Math.max(...rows.map((r) => r.lines_covered)),
    lines,
  };
  const branchesValid = rows.flatMap((r) => (r.branches_valid === null ? [] : [r.branches_valid]));
  const branchesCovered = rows.flatMap((r) => (r.branches_covered === null ? [] : [r.branches_covered]));
  if (branchesValid.length > 0) file.branchesValid = Math.max(...branchesValid);
  if (branchesCovered.length > 0) file.branchesCovered = Math.max(...branchesCovered);
  return file;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function sqlStatements(db: Database.Database) {
  return {
    insertLog: db.prepare<LogRow>("INSERT INTO logs (job_row_id, seq, step_index, ts, stream, text) VALUES (?, ?, ?, ?, ?, ?)"),
    lastSeq: db.prepare<[number], { last: number | null }>("SELECT (SELECT MAX(seq) FROM logs WHERE job_row_id = jobs.id) AS last FROM jobs WHERE id = ?"),
    nextNumber: db.prepare<[string], number>("SELECT COALESCE(MAX(number), 0) + 1 FROM runs WHERE repo_root = ?").pluck(),
    insertRun: db.prepare(
      `INSERT INTO runs (id, number, repo_root, event, ref, sha, actor, status, started_at, pid, host)
       VALUES (@id, @number, @repoRoot, @event, @ref, @sha, @actor, 'in_progress', @startedAt, @pid, @host)`,
    ),
    finishRun: db.prepare(
      "UPDATE runs SET status = 'completed', conclusion = @conclusion, finished_at = @finishedAt, summary_json = @summary WHERE id = @id",
    ),
    insertJob: db.prepare(
      `INSERT INTO jobs (run_id, tier, workflow, job_id, name, matrix_json, status, started_at, attempt)
       VALUES (@runId, @tier, @workflow, @jobId, @name, @matrix, @status, @startedAt, @attempt)`,
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
    listRuns: db.prepare<[number], RunRow>("SELECT * FROM runs ORDER BY id DESC LIMIT ?"),
    listRepoRuns: db.prepare<[string, number], RunRow>("SELECT * FROM runs WHERE repo_root = ? ORDER BY id DESC LIMIT ?"),
    listRecordedRuns: db.prepare<{ repo: string | null; recorded: "tests" | "coverage"; limit: number }, RunRow>(
      `SELECT * FROM runs r WHERE (@repo IS NULL OR r.repo_root = @repo) AND CASE @recorded
         WHEN 'tests' THEN EXISTS (SELECT 1 FROM jobs j JOIN test_results t ON t.job_row_id = j.id WHERE j.run_id = r.id)
         ELSE EXISTS (SELECT 1 FROM jobs j JOIN coverage_files c ON c.job_row_id = j.id WHERE j.run_id = r.id)
       END
       ORDER BY r.id DESC LIMIT @limit`,
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
    testHistory: db.prepare<{ repo: string; since: number | null; limit: number }, TestHistorySqlRow>(
      `WITH picked AS (
         SELECT r.id FROM runs r
         WHERE r.repo_root = @repo AND (@since IS NULL OR r.started_at >= @since)
           AND EXISTS (SELECT 1 FROM jobs j JOIN test_results t ON t.job_row_id = j.id WHERE j.run_id = r.id)
         ORDER BY r.id DESC LIMIT @limit
       )
       SELECT r.id AS run_id, r.number AS run_number, r.sha, r.ref, r.started_at AS run_started_at,
              j.id AS job_row_id, j.workflow, j.job_id, j.name AS job_name, j.matrix_json, j.attempt AS job_attempt,
              t.suite, t.classname, t.name, t.file, t.line, t.status, t.duration_ms, t.message, t.attempts, t.retry_statuses
       FROM picked p JOIN runs r ON r.id = p.id JOIN jobs j ON j.run_id = r.id JOIN test_results t ON t.job_row_id = j.id
       ORDER BY r.id, j.id, t.id`,
    ),
    coverageOfRun: db.prepare<[string], CoverageFileRow>(
      "SELECT c.* FROM coverage_files c JOIN jobs j ON c.job_row_id = j.id WHERE j.run_id = ? ORDER BY c.path, c.id",
    ),
    coverageOfJob: db.prepare<[string, number], CoverageFileRow>(
      "SELECT c.* FROM coverage_files c JOIN jobs j ON c.job_row_id = j.id WHERE j.run_id = ? AND j.id = ? ORDER BY c.path, c.id",
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
    runsByNumber: db.prepare<{ number: number; repo: string | null }, RunRow>(
      "SELECT * FROM runs WHERE number = @number AND (@repo IS NULL OR repo_root = @repo) ORDER BY id LIMIT 2",
    ),
    runsByIdPrefix: db.prepare<{ from: string; to: string; repo: string | null }, RunRow>(
      "SELECT * FROM runs WHERE id >= @from AND id < @to AND (@repo IS NULL OR repo_root = @repo) ORDER BY id LIMIT 2",
    ),
    jobsOf: db.prepare<[string], JobRow>("SELECT * FROM jobs WHERE run_id = ? ORDER BY id"),
    stepsOf: db.prepare<[number], StepRow>("SELECT * FROM steps WHERE job_row_id = ? ORDER BY step_index"),
    logsOfJob: db.prepare<[number], LogLineRow>("SELECT * FROM logs WHERE job_row_id = ? ORDER BY seq"),
    logsOfStep: db.prepare<[number, number | null], LogLineRow>(
      "SELECT * FROM logs WHERE job_row_id = ? AND step_index IS ? ORDER BY seq",
    ),
    annotationsOf: db.prepare<[string], AnnotationRow>("SELECT * FROM annotations WHERE run_id = ? ORDER BY id"),
    unfinishedRuns: db.prepare<[string], { id: string; pid: number }>(
      "SELECT id, pid FROM runs WHERE status <> 'completed' AND host = ?",
    ),
    lastActivity: db.prepare<{ run: string }, number>(
      `SELECT MAX(t) FROM (
         SELECT started_at AS t FROM runs WHERE id = @run
         UNION ALL SELECT MAX(COALESCE(finished_at, started_at)) FROM jobs WHERE run_id = @run
         UNION ALL SELECT MAX(COALESCE(s.finished_at, s.started_at)) FROM steps s JOIN jobs j ON s.job_row_id = j.id WHERE j.run_id = @run
         UNION ALL SELECT MAX(l.ts) FROM logs l JOIN jobs j ON l.job_row_id = j.id WHERE j.run_id = @run
       )`,
    ).pluck(),
    cancelSteps: db.prepare(
      `UPDATE steps SET status = 'completed', outcome = COALESCE(outcome, 'cancelled'), conclusion = 'cancelled',
         finished_at = COALESCE(finished_at, @at)
       WHERE status <> 'completed' AND job_row_id IN (SELECT id FROM jobs WHERE run_id = @run)`,
    ),
    cancelJobs: db.prepare(
      `UPDATE jobs SET status = 'completed', conclusion = 'cancelled', finished_at = COALESCE(finished_at, @at)
       WHERE status <> 'completed' AND run_id = @run`,
    ),
    cancelRun: db.prepare(
      `UPDATE runs SET status = 'completed', conclusion = 'cancelled', finished_at = @at, note = @note
       WHERE status <> 'completed' AND id = @run`,
    ),
  };
}

class SqliteRunStore implements RunStore {
  private readonly sql: ReturnType<typeof sqlStatements>;
  private readonly inWriteTransaction: Database.Transaction<(write: () => unknown) => unknown>;
  private readonly host = hostname();
  private pending: LogRow[] = [];
  /** The last seq handed out per job row: seqs are allocated here, before the line is written. */
  private readonly seqs = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  /** A write the timer attempted and failed; raised by the next call, which has a caller to tell. */
  private timerError: unknown;
  private closed = false;
  private readonly flushOnExit = (): void => {
    try {
      this.writePending();
    } catch (err) {
      process.stderr.write(`tierci: could not save the last log lines to ${this.db.name}: ${String(err)}\n`);
    }
  };

  constructor(
    private readonly db: Database.Database,
    private readonly options: Required<StoreOptions>,
  ) {
    this.sql = sqlStatements(db);
    this.inWriteTransaction = db.transaction((write: () => unknown) => {
      for (const row of this.pending) this.sql.insertLog.run(...row);
      return write();
    });
    // A process that ends through process.exit or an uncaught exception still writes what it
    // buffered; only a kill or a power cut can lose the last logFlushMs of lines.
    process.on("exit", this.flushOnExit);
  }

  /**
   * Runs `write` in one IMMEDIATE transaction together with the buffered log lines, so that no
   * record is ever durable ahead of a line appended before it. IMMEDIATE takes the write lock up
   * front: a deferred transaction upgrading from a stale read snapshot fails at once, without
   * waiting out the busy timeout.
   */
  private commit<T>(write: () => T): T {
    const result = this.inWriteTransaction.immediate(write) as T;
    this.pending = [];
    this.stopTimer();
    return result;
  }

  private write<T>(write: () => T): T {
    this.usable();
    return this.commit(write);
  }

  /** Also after a failed timer flush: the lines are still buffered, and this retries them. */
  private writePending(): void {
    if (this.pending.length > 0) this.commit(() => undefined);
  }

  private usable(): void {
    if (this.closed) throw new StoreError(`the run store ${this.db.name} is closed`, "closed");
    if (this.timerError !== undefined) {
      const err = this.timerError;
      this.timerError = undefined;
      throw err;
    }
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private changed(changes: number, what: string): void {
    if (changes === 0) throw new StoreError(`${what} is not in the run store`, "not-found");
  }

  createRun(run: NewRun): RunRecord {
    const startedAt = run.startedAt ?? Date.now();
    return this.write(() => {
      const record: RunRecord = {
        id: newRunId(startedAt),
        number: this.sql.nextNumber.get(run.repoRoot) ?? 1,
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
        pid: process.pid,
        host: this.host,
        note: null,
      };
      this.sql.insertRun.run(record);
      return record;
    });
  }

  finishRun(runId: string, result: RunResult): void {
    const summary = result.summary === undefined || result.summary === null ? null : JSON.stringify(result.summary);
    this.write(() => {
      const { changes } = this.sql.finishRun.run({ id: runId, conclusion: result.conclusion, finishedAt: result.finishedAt ?? Date.now(), summary });
      this.changed(changes, `run ${runId}`);
    });
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
    } as const;
    const id = this.write(() => Number(this.sql.insertJob.run(row).lastInsertRowid));
    return {
      id,
      runId: row.runId,
      tier: row.tier,
      workflow: row.workflow,
      jobId: row.jobId,
      name: row.name,
      matrix: job.matrix ?? null,
      status: row.status,
      conclusion: null,
      startedAt: row.startedAt,
      finishedAt: null,
      attempt: row.attempt,
    };
  }

  startJob(jobRowId: number, startedAt = Date.now()): void {
    this.write(() => this.changed(this.sql.startJob.run(startedAt, jobRowId).changes, `job row ${jobRowId}`));
  }

  finishJob(jobRowId: number, conclusion: Conclusion, finishedAt = Date.now()): void {
    this.write(() => this.changed(this.sql.finishJob.run(conclusion, finishedAt, jobRowId).changes, `job row ${jobRowId}`));
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
    const id = this.write(() => Number(this.sql.insertStep.run(row).lastInsertRowid));
    return { ...row, id, outcome: null, conclusion: null, finishedAt: null };
  }

  startStep(stepRowId: number, startedAt = Date.now()): void {
    this.write(() => this.changed(this.sql.startStep.run(startedAt, stepRowId).changes, `step row ${stepRowId}`));
  }

  finishStep(stepRowId: number, result: StepResult): void {
    const finishedAt = result.finishedAt ?? Date.now();
    this.write(() => this.changed(this.sql.finishStep.run(result.outcome, result.conclusion, finishedAt, stepRowId).changes, `step row ${stepRowId}`));
  }

  appendLog(line: NewLogLine): void {
    this.usable();
    this.pending.push([line.jobRowId, this.nextSeq(line.jobRowId), line.stepIndex, line.ts ?? Date.now(), line.stream, line.text]);
    if (this.pending.length >= this.options.logBatchLines) this.writePending();
    else if (this.timer === undefined) this.timer = setTimeout(this.flushFromTimer, this.options.logFlushMs).unref();
  }

  private readonly flushFromTimer = (): void => {
    this.timer = undefined;
    try {
      this.writePending();
    } catch (err) {
      this.timerError = err;
    }
  };

  /**
   * Checks the job row exists the first time it is seen, so that a bad id fails this call rather
   * than every later batch that would carry the line.
   */
  private nextSeq(jobRowId: number): number {
    let last = this.seqs.get(jobRowId);
    if (last === undefined) {
      const found = this.sql.lastSeq.get(jobRowId);
      if (found === undefined) throw new StoreError(`job row ${jobRowId} is not in the run store`, "not-found");
      last = found.last ?? 0;
    }
    this.seqs.set(jobRowId, last + 1);
    return last + 1;
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
    const id = this.write(() => Number(this.sql.insertAnnotation.run(row).lastInsertRowid));
    return { id, ...row };
  }

  flush(): void {
    this.usable();
    this.writePending();
  }

  close(): void {
    if (this.closed) return;
    try {
      this.writePending();
    } finally {
      this.closed = true;
      this.stopTimer();
      process.off("exit", this.flushOnExit);
      this.db.close();
    }
  }

  listRuns(options: ListRunsOptions): RunRecord[] {
    this.usable();
    let rows: RunRow[];
    if (options.recorded !== undefined) rows = this.sql.listRecordedRuns.all({ repo: options.repoRoot ?? null, recorded: options.recorded, limit: options.limit });
    else if (options.repoRoot === undefined) rows = this.sql.listRuns.all(options.limit);
    else rows = this.sql.listRepoRuns.all(options.repoRoot, options.limit);
    return rows.map(toRun);
  }

  getRun(ref: string | number, repoRoot?: string): RunRecord | undefined {
    this.usable();
    const text = String(ref).trim().toLowerCase();
    if (/^\d+$/.test(text)) {
      const found = this.unique(this.sql.runsByNumber.all({ number: Number(text), repo: repoRoot ?? null }), `number ${text}`, "name the repository");
      if (found !== undefined || typeof ref === "number") return found;
    }
    if (!isRunIdPrefix(text)) return undefined;
    // Ids use only characters below "~", so [prefix, prefix + "~") is exactly the ids starting with it.
    return this.unique(this.sql.runsByIdPrefix.all({ from: text, to: `${text}~`, repo: repoRoot ?? null }), `an id starting with ${text}`, "give more of the id");
  }

  /** `rows` holds at most two: enough to tell that a reference is ambiguous. */
  private unique(rows: RunRow[], what: string, hint: string): RunRecord | undefined {
    if (rows.length > 1) {
      const examples = rows.map((r) => `${r.id} in ${r.repo_root}`).join(" and ");
      throw new StoreError(`more than one run has ${what}, such as ${examples}; ${hint}`, "ambiguous-run");
    }
    const row = rows[0];
    return row === undefined ? undefined : toRun(row);
  }

  jobsOf(runId: string): JobRecord[] {
    this.usable();
    return this.sql.jobsOf.all(runId).map(toJob);
  }

  stepsOf(jobRowId: number): StepRecord[] {
    this.usable();
    return this.sql.stepsOf.all(jobRowId).map(toStep);
  }

  logsOf(jobRowId: number, stepIndex?: number | null): LogLine[] {
    this.flush();
    const rows = stepIndex === undefined ? this.sql.logsOfJob.all(jobRowId) : this.sql.logsOfStep.all(jobRowId, stepIndex);
    return rows.map(toLogLine);
  }

  annotationsOf(runId: string): AnnotationRecord[] {
    this.usable();
    return this.sql.annotationsOf.all(runId).map(toAnnotation);
  }

  addTestResults(jobRowId: number, results: readonly TestCaseResult[]): void {
    this.write(() => {
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
    });
  }

  addCoverage(jobRowId: number, report: CoverageReport): void {
    this.write(() => {
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
    });
  }

  /** An empty batch for a job that does not exist is an error too, as for any other write. */
  private jobMustExist(jobRowId: number): void {
    if (this.sql.jobExists.get(jobRowId) === undefined) throw new StoreError(`job row ${jobRowId} is not in the run store`, "not-found");
  }

  testHistory(options: TestHistoryOptions): TestHistoryRow[] {
    this.usable();
    // SQLite reads a negative LIMIT as no limit.
    const rows = this.sql.testHistory.all({ repo: options.repoRoot, since: options.since ?? null, limit: options.limit ?? -1 });
    return rows.map(toTestHistoryRow);
  }

  coverageOf(runId: string, jobRowId?: number): FileCoverage[] {
    this.usable();
    const rows = jobRowId === undefined ? this.sql.coverageOfRun.all(runId) : this.sql.coverageOfJob.all(runId, jobRowId);
    const byPath = new Map<string, CoverageFileRow[]>();
    for (const row of rows) {
      const same = byPath.get(row.path);
      if (same === undefined) byPath.set(row.path, [row]);
      else same.push(row);
    }
    return [...byPath].map(([path, same]) => mergeCoverage(path, same));
  }

  testTotals(runId: string): TestTotals {
    this.usable();
    return this.sql.testTotals.get(runId) ?? { passed: 0, failed: 0, skipped: 0 };
  }

  /** See openStore. Runs of other hosts are left alone: their pids mean nothing here. */
  closeInterruptedRuns(): void {
    for (const { id, pid } of this.sql.unfinishedRuns.all(this.host)) {
      if (processAlive(pid)) continue;
      this.write(() => {
        const at = this.sql.lastActivity.get({ run: id }) ?? Date.now();
        this.sql.cancelSteps.run({ run: id, at });
        this.sql.cancelJobs.run({ run: id, at });
        this.sql.cancelRun.run({ run: id, at, note: `interrupted: tierci process ${pid} on ${this.host} ended before the run finished` });
      });
    }
  }
}
