// The RunStore on Postgres, for several processes or machines sharing one store. Same contract
// and semantics as the SQLite store; the connection lives in a worker thread (postgres-bridge.ts)
// so that every call stays synchronous. Each write is one transaction and one round trip,
// carrying the log lines buffered before it.
import type { CoverageReport, FileCoverage, TestCaseResult } from "../formats/report-types.js";
import { currentProcess } from "../util/process-identity.js";
import { LogBuffer } from "./log-buffer.js";
import { PostgresBridge, type Statement, type StatementResult } from "./postgres-bridge.js";
import { closeInterruptedPostgresRuns, prunePostgresRuns } from "./postgres-maintenance.js";
import { PostgresQueries } from "./postgres-queries.js";
import { migratePostgres } from "./postgres-schema.js";
import { redactUrl, withoutPassword } from "./postgres-url.js";
import { insertLogs, PostgresWrites } from "./postgres-writes.js";
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

/** How long connecting may take before the store says the server is unreachable. */
const CONNECT_TIMEOUT_MS = 10_000;
/** A call that gets no answer in this time fails rather than hang the process (a prune's vacuum is the longest). */
const ANSWER_TIMEOUT_MS = 10 * 60_000;

/**
 * Connects to the Postgres database at `url` (a postgres:// URL; a schema other than public is
 * chosen with `?options=-c%20search_path%3Dname`), migrates it and closes out the runs whose
 * tierci process on this host died before they ended.
 */
export function openPostgresStore(url: string, options: StoreOptions = {}): RunStore {
  const settings = withDefaults(options);
  const db = new PostgresBridge(url, { connectTimeoutMs: CONNECT_TIMEOUT_MS, lockTimeoutMs: settings.busyTimeoutMs, answerTimeoutMs: ANSWER_TIMEOUT_MS });
  try {
    migratePostgres(db, redactUrl(url));
    const store = new PostgresRunStore(db, url, settings);
    store.closeInterruptedRuns();
    return store;
  } catch (err) {
    db.close();
    throw err;
  }
}

class PostgresRunStore implements RunStore {
  private readonly writes: PostgresWrites;
  private readonly reads: PostgresQueries;
  private readonly logs: LogBuffer;
  private readonly where: string;
  private closed = false;
  private readonly flushOnExit = (): void => {
    try {
      this.writePending();
    } catch (err) {
      process.stderr.write(`tierci: could not save the last log lines to ${this.where}: ${withoutPassword(String(err), this.url)}\n`);
    }
  };

  constructor(
    private readonly db: PostgresBridge,
    private readonly url: string,
    options: Required<StoreOptions>,
  ) {
    this.where = redactUrl(url);
    this.writes = new PostgresWrites((statements) => this.commit(statements), currentProcess());
    this.reads = new PostgresQueries(db);
    this.logs = new LogBuffer(
      { batchLines: options.logBatchLines, flushMs: options.logFlushMs, bytesPerJob: options.logBytesPerJob },
      () => this.writePending(),
      (jobRowId) => {
        const [job] = db.rows<{ last: number | null }>("SELECT (SELECT MAX(seq) FROM logs WHERE job_row_id = jobs.id) AS last FROM jobs WHERE id = $1", [
          jobRowId,
        ]);
        return job === undefined ? undefined : (job.last ?? 0);
      },
    );
    // A process that ends through process.exit or an uncaught exception still writes what it
    // buffered; only a kill or a power cut can lose the last logFlushMs of lines.
    process.on("exit", this.flushOnExit);
  }

  /**
   * Runs the statements in one transaction after the buffered log lines, so that no record is
   * ever durable ahead of a line appended before it; returns the statements' own results.
   */
  private commit(statements: Statement[]): StatementResult[] {
    const lines = this.logs.empty ? [] : [insertLogs(this.logs.rows)];
    const results = this.db.run([...lines, ...statements], true);
    this.logs.written();
    return results.slice(lines.length);
  }

  private usable(): void {
    if (this.closed) throw new StoreError(`the run store ${this.where} is closed`, "closed");
    this.logs.raiseTimerError();
  }

  /** Also after a failed timer flush: the lines are still buffered, and this retries them. */
  private writePending(): void {
    if (!this.logs.empty) this.commit([]);
  }

  private write<T>(write: () => T): T {
    this.usable();
    return write();
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
    return prunePostgresRuns(this.db, options, (statements) => this.commit(statements));
  }

  /** See openPostgresStore. */
  closeInterruptedRuns(): void {
    closeInterruptedPostgresRuns(this.db, (statements) => this.write(() => this.commit(statements)));
  }
}
