// What the SQLite and Postgres run stores share: the RunStore methods on top of a backend's
// writes, reads and log buffer, the closed state, and saving the buffered lines at process exit.
// A backend says how a write joins the buffered lines in one transaction, and how it prunes,
// recovers and closes.
import type { CoverageReport, FileCoverage, TestCaseResult } from "../formats/report-types.js";
import type { LogBuffer } from "./log-buffer.js";
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
  type ReusableJob,
  type RunRecord,
  type RunResult,
  type RunStore,
  type StepRecord,
  type StepResult,
  type TestHistoryOptions,
  type TestHistoryRow,
  type TestTotals,
} from "./types.js";

/** A backend's writes; each runs inside the transaction BufferedRunStore.inTransaction gives it. */
export interface StoreWrites {
  createRun(run: NewRun): RunRecord;
  finishRun(runId: string, result: RunResult): void;
  addJob(job: NewJob): JobRecord;
  startJob(jobRowId: number, startedAt: number): void;
  finishJob(jobRowId: number, conclusion: Conclusion, finishedAt: number): void;
  addStep(step: NewStep): StepRecord;
  startStep(stepRowId: number, startedAt: number): void;
  finishStep(stepRowId: number, result: StepResult): void;
  addAnnotation(annotation: NewAnnotation): AnnotationRecord;
  addTestResults(jobRowId: number, results: readonly TestCaseResult[]): void;
  addCoverage(jobRowId: number, report: CoverageReport): void;
}

export type StoreReads = Pick<
  RunStore,
  "listRuns" | "getRun" | "jobsOf" | "stepsOf" | "logsOf" | "iterateLogs" | "logLength" | "annotationsOf" | "testHistory" | "coverageOf" | "testTotals"
>;

/** A backend's side of result reuse; the writes run inside inTransaction as the others do. */
export type StoreReuse = Pick<RunStore, "setJobOutputs" | "findReusableJob" | "carryJobResults">;

export abstract class BufferedRunStore implements RunStore {
  protected abstract readonly writes: StoreWrites;
  protected abstract readonly reads: StoreReads;
  protected abstract readonly reuse: StoreReuse;
  protected abstract readonly logs: LogBuffer;
  private closed = false;
  private readonly flushOnExit = (): void => {
    try {
      this.writePending();
    } catch (err) {
      process.stderr.write(`tierci: could not save the last log lines to ${this.where}: ${this.describe(err)}\n`);
    }
  };

  /** `where` names the database in messages. */
  constructor(protected readonly where: string) {
    // A process that ends through process.exit or an uncaught exception still writes what it
    // buffered; only a kill or a power cut can lose the last logFlushMs of lines.
    process.on("exit", this.flushOnExit);
  }

  /** Runs `write` in one transaction with the buffered log lines, so that no record is ever durable ahead of a line appended before it. */
  protected abstract inTransaction<T>(write: () => T): T;
  /** Writes the buffered lines, if any. Also after a failed timer flush: the lines are still buffered, and this retries them. */
  protected abstract writePending(): void;
  protected abstract pruneRuns(options: PruneOptions): RunRecord[];
  /** See openStore. */
  abstract closeInterruptedRuns(): void;
  /** Releases the database. */
  protected abstract release(): void;

  /** An error as it may be shown to a user. */
  protected describe(err: unknown): string {
    return String(err);
  }

  private write<T>(write: () => T): T {
    this.usable();
    return this.inTransaction(write);
  }

  private usable(): void {
    if (this.closed) throw new StoreError(`the run store ${this.where} is closed`, "closed");
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

  setJobOutputs(jobRowId: number, outputs: Readonly<Record<string, string>>): void {
    this.write(() => this.reuse.setJobOutputs(jobRowId, outputs));
  }

  findReusableJob(repoRoot: string, inputKey: string): ReusableJob | undefined {
    this.usable();
    return this.reuse.findReusableJob(repoRoot, inputKey);
  }

  carryJobResults(fromJobRowId: number, toJobRowId: number): void {
    this.write(() => this.reuse.carryJobResults(fromJobRowId, toJobRowId));
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
      this.release();
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

  iterateLogs(jobRowId: number, fromSeq?: number): IterableIterator<LogLine> {
    this.flush();
    return this.reads.iterateLogs(jobRowId, fromSeq);
  }

  logLength(jobRowId: number): number {
    this.flush();
    return this.reads.logLength(jobRowId);
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
    return this.pruneRuns(options);
  }
}
