// The RunStore on an embedded SQLite database (better-sqlite3). Synchronous, like the library:
// each call is a short local transaction, and a caller that has just been told a write succeeded
// can rely on it without awaiting anything. The SQL lives by concern: schema.ts (migrations),
// run-writes.ts, log-buffer.ts, queries.ts, recovery.ts and retention.ts.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CoverageReport, FileCoverage, TestCaseResult } from "../formats/report-types.js";
import { currentProcess } from "../util/process-identity.js";
import { LogBuffer, type LogRow } from "./log-buffer.js";
import { RunQueries } from "./queries.js";
import { interruptedRunCloser } from "./recovery.js";
import { runPruner } from "./retention.js";
import { RunWrites } from "./run-writes.js";
import { migrate } from "./schema.js";
import { withDefaults, type StoreOptions } from "./store-options.js";
import {
  StoreError,
  type AnnotationRecord,
  type Conclusion,
  type JobRecord,
  type ListRunsOptions,
  type LogLine,
  type NewAnnotation,
  type NewJob,
  type NewLogLine,
  type NewRun,
  type NewStep,
  type PruneOptions,
  type RunRecord,
  type RunResult,
  type RunStore,
  type StepRecord,
  type StepResult,
  type TestHistoryOptions,
  type TestHistoryRow,
  type TestTotals,
} from "./types.js";

/** Where a repository's runs are kept unless told otherwise. */
export function defaultStorePath(repoRoot: string): string {
  return join(repoRoot, ".tierci", "tierci.db");
}

/**
 * Opens (creating it and its directory if needed) the database at `path`, or an in-memory one for
 * ":memory:", migrates it, and closes out the runs whose tierci process died before they ended
 * (see recovery.ts): they, and their unfinished jobs and steps, become completed/cancelled at
 * their last recorded activity, with a note saying so.
 */
export function openSqliteStore(path: string, options: StoreOptions = {}): RunStore {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const settings = withDefaults(options);
  const db = new Database(path, { timeout: settings.busyTimeoutMs });
  try {
    enableWal(db, settings.busyTimeoutMs);
    // In WAL mode NORMAL loses no committed transaction when the process dies, only on power loss.
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    migrate(db);
    const store = new SqliteRunStore(db, settings);
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

class SqliteRunStore implements RunStore {
  private readonly writes: RunWrites;
  private readonly reads: RunQueries;
  private readonly logs: LogBuffer;
  private readonly closeDeadRuns: ReturnType<typeof interruptedRunCloser>;
  private readonly pruneRuns: ReturnType<typeof runPruner>;
  private readonly inWriteTransaction: Database.Transaction<(write: () => unknown) => unknown>;
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
    options: Required<StoreOptions>,
  ) {
    this.writes = new RunWrites(db, currentProcess());
    this.reads = new RunQueries(db);
    const lastSeq = db.prepare<[number], { last: number | null }>(
      "SELECT (SELECT MAX(seq) FROM logs WHERE job_row_id = jobs.id) AS last FROM jobs WHERE id = ?",
    );
    this.logs = new LogBuffer(
      { batchLines: options.logBatchLines, flushMs: options.logFlushMs, bytesPerJob: options.logBytesPerJob },
      () => this.writePending(),
      (jobRowId) => {
        const found = lastSeq.get(jobRowId);
        return found === undefined ? undefined : (found.last ?? 0);
      },
    );
    const insertLog = db.prepare<LogRow>("INSERT INTO logs (job_row_id, seq, step_index, ts, stream, text) VALUES (?, ?, ?, ?, ?, ?)");
    this.closeDeadRuns = interruptedRunCloser(db);
    this.pruneRuns = runPruner(db);
    this.inWriteTransaction = db.transaction((write: () => unknown) => {
      for (const row of this.logs.rows) insertLog.run(...row);
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
    this.logs.written();
    return result;
  }

  private write<T>(write: () => T): T {
    this.usable();
    return this.commit(write);
  }

  /** Also after a failed timer flush: the lines are still buffered, and this retries them. */
  private writePending(): void {
    if (!this.logs.empty) this.commit(() => undefined);
  }

  private usable(): void {
    if (this.closed) throw new StoreError(`the run store ${this.db.name} is closed`, "closed");
    this.logs.raiseTimerError();
  }

  createRun(run: NewRun): RunRecord {
    return this.write(() => this.writes.createRun(run));
  }

  finishRun(runId: string, result: RunResult): void {
    this.write(() => this.writes.finishRun(runId, result));
  }

  addJob(job: NewJob): JobRecord {
    return this.write(() => this.writes.addJob(job));
  }

  startJob(jobRowId: number, startedAt = Date.now()): void {
    this.write(() => this.writes.startJob(jobRowId, startedAt));
  }

  finishJob(jobRowId: number, conclusion: Conclusion, finishedAt = Date.now()): void {
    this.write(() => this.writes.finishJob(jobRowId, conclusion, finishedAt));
  }

  addStep(step: NewStep): StepRecord {
    return this.write(() => this.writes.addStep(step));
  }

  startStep(stepRowId: number, startedAt = Date.now()): void {
    this.write(() => this.writes.startStep(stepRowId, startedAt));
  }

  finishStep(stepRowId: number, result: StepResult): void {
    this.write(() => this.writes.finishStep(stepRowId, result));
  }

  appendLog(line: NewLogLine): void {
    this.usable();
    this.logs.add(line);
  }

  addAnnotation(annotation: NewAnnotation): AnnotationRecord {
    return this.write(() => this.writes.addAnnotation(annotation));
  }

  addTestResults(jobRowId: number, results: readonly TestCaseResult[]): void {
    this.write(() => this.writes.addTestResults(jobRowId, results));
  }

  addCoverage(jobRowId: number, report: CoverageReport): void {
    this.write(() => this.writes.addCoverage(jobRowId, report));
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
      this.logs.stop();
      process.off("exit", this.flushOnExit);
      this.db.close();
    }
  }

  listRuns(options: ListRunsOptions): RunRecord[] {
    this.usable();
    return this.reads.listRuns(options);
  }

  getRun(ref: string | number, repoRoot?: string): RunRecord | undefined {
    this.usable();
    return this.reads.getRun(ref, repoRoot);
  }

  jobsOf(runId: string): JobRecord[] {
    this.usable();
    return this.reads.jobsOf(runId);
  }

  stepsOf(jobRowId: number): StepRecord[] {
    this.usable();
    return this.reads.stepsOf(jobRowId);
  }

  logsOf(jobRowId: number, stepIndex?: number | null): LogLine[] {
    this.flush();
    return this.reads.logsOf(jobRowId, stepIndex);
  }

  iterateLogs(jobRowId: number): IterableIterator<LogLine> {
    this.flush();
    return this.reads.iterateLogs(jobRowId);
  }

  annotationsOf(runId: string): AnnotationRecord[] {
    this.usable();
    return this.reads.annotationsOf(runId);
  }

  testHistory(options: TestHistoryOptions): TestHistoryRow[] {
    this.usable();
    return this.reads.testHistory(options);
  }

  coverageOf(runId: string, jobRowId?: number): FileCoverage[] {
    this.usable();
    return this.reads.coverageOf(runId, jobRowId);
  }

  testTotals(runId: string): TestTotals {
    this.usable();
    return this.reads.testTotals(runId);
  }

  prune(options: PruneOptions): RunRecord[] {
    this.flush();
    return this.pruneRuns(options, (fn) => this.write(fn));
  }

  /** See openSqliteStore. */
  closeInterruptedRuns(): void {
    this.closeDeadRuns((fn) => this.write(fn));
  }
}
