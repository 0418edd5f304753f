// What the rest of tierci sees of persistence: plain records and a small synchronous interface.
// Nothing here names SQLite, so a Postgres (or any SQL) implementation can satisfy the same
// contract. Times are milliseconds since the Unix epoch; absent values are null in records and
// optional in inputs; JSON columns are exchanged as parsed values.
import type { CoverageReport, FileCoverage, TestCaseResult, TestStatus } from "../formats/report-types.js";

/** GitHub's status words for a run, job or step. */
export type Status = "queued" | "in_progress" | "completed";

import type { Conclusion } from "../formats/conclusion.js";

export type { Conclusion };

export type LogStream = "stdout" | "stderr" | "system";

export type AnnotationLevel = "error" | "warning" | "notice";

export interface NewRun {
  repoRoot: string;
  event: string;
  ref: string;
  sha: string;
  actor: string;
  /** Defaults to now. */
  startedAt?: number;
}

export interface RunRecord {
  /** Sortable: ordering ids orders runs by start time. Lowercase. */
  id: string;
  /** 1, 2, 3… per repository root, never reused. */
  number: number;
  repoRoot: string;
  event: string;
  ref: string;
  sha: string;
  actor: string;
  status: Status;
  conclusion: Conclusion | null;
  startedAt: number;
  finishedAt: number | null;
  /** The run's final JSON summary, null until finishRun gave one. */
  summary: unknown;
  /** The tierci process that ran it, so a run left unfinished by a dead process can be told apart. */
  pid: number;
  /** The start time of that process (see util/process-identity), null where it could not be read. */
  processStart: number | null;
  host: string;
  /** Why the store, not the run, decided the outcome (an interrupted run). */
  note: string | null;
}

export interface RunResult {
  conclusion: Conclusion;
  /** Defaults to now. */
  finishedAt?: number;
  summary?: unknown;
}

export interface NewJob {
  runId: string;
  tier: string;
  /** The workflow file, e.g. `ci.yml`. */
  workflow: string;
  /** The job's id in the workflow file. */
  jobId: string;
  /** Display name, e.g. `test (3.11)`. */
  name: string;
  matrix?: Readonly<Record<string, unknown>> | null;
  /** Defaults to 1. */
  attempt?: number;
  /** Given: the job is recorded as already in progress; absent: queued. */
  startedAt?: number;
  /** The fingerprint of the exact tree the job tests (see git/tree-fingerprint). */
  tree?: string | null;
  /** A digest of everything the job's result depends on; equal keys, equal inputs. */
  inputKey?: string | null;
  /** The job row whose success this one reuses instead of running. */
  reusedFrom?: number | null;
}

export interface JobRecord {
  /** The job row's id (a matrix instance or retry is its own row); `jobRowId` elsewhere. */
  id: number;
  runId: string;
  tier: string;
  workflow: string;
  jobId: string;
  name: string;
  matrix: Readonly<Record<string, unknown>> | null;
  status: Status;
  conclusion: Conclusion | null;
  startedAt: number | null;
  finishedAt: number | null;
  attempt: number;
  tree: string | null;
  inputKey: string | null;
  reusedFrom: number | null;
}

/** A successful job whose inputs had a given key: what a job with the same key reuses. */
export interface ReusableJob {
  /** The row to copy results from (the latest with the key). */
  jobRowId: number;
  /** The row that actually ran: what a job reusing this one records as reusedFrom. */
  originJobRowId: number;
  runId: string;
  /** The number of the run that ran it, or of the run that first reused it when that one is gone. */
  runNumber: number;
  outputs: Record<string, string>;
}

export interface NewStep {
  jobRowId: number;
  /** Position in the job's step list, pre and post steps included; unique inside the job. */
  index: number;
  name: string;
  /** The step's `id:`, when it has one. */
  stepId?: string | null;
  /** Given: the step is recorded as already in progress; absent: queued. */
  startedAt?: number;
}

export interface StepRecord {
  id: number;
  jobRowId: number;
  index: number;
  name: string;
  stepId: string | null;
  status: Status;
  /** The result before continue-on-error is applied. */
  outcome: Conclusion | null;
  conclusion: Conclusion | null;
  startedAt: number | null;
  finishedAt: number | null;
}

export interface StepResult {
  outcome: Conclusion;
  conclusion: Conclusion;
  /** Defaults to now. */
  finishedAt?: number;
}

export interface NewLogLine {
  jobRowId: number;
  /** Null for lines of the job itself rather than one of its steps. */
  stepIndex: number | null;
  stream: LogStream;
  /** One line, without its line terminator, already masked. */
  text: string;
  /** Defaults to now. */
  ts?: number;
}

export interface LogLine {
  jobRowId: number;
  stepIndex: number | null;
  /** Order of the line inside its job, from 1. */
  seq: number;
  ts: number;
  stream: LogStream;
  text: string;
}

export interface NewAnnotation {
  runId: string;
  jobRowId?: number | null;
  stepIndex?: number | null;
  level: AnnotationLevel;
  message: string;
  title?: string | null;
  file?: string | null;
  line?: number | null;
  col?: number | null;
  endLine?: number | null;
  endCol?: number | null;
}

export interface AnnotationRecord {
  id: number;
  runId: string;
  jobRowId: number | null;
  stepIndex: number | null;
  level: AnnotationLevel;
  message: string;
  title: string | null;
  file: string | null;
  line: number | null;
  col: number | null;
  endLine: number | null;
  endCol: number | null;
}

export interface ListRunsOptions {
  limit: number;
  /** Only the runs of this repository root. */
  repoRoot?: string;
  /** Only the runs that recorded test results, or coverage. */
  recorded?: "tests" | "coverage";
}

export interface TestHistoryOptions {
  repoRoot: string;
  /** Only the newest this many runs that recorded test results. */
  limit?: number;
  /** Only the runs started at or after this time. */
  since?: number;
}

/** One test result of one job, with the run and job it belongs to. */
export interface TestHistoryRow {
  runId: string;
  runNumber: number;
  sha: string;
  ref: string;
  runStartedAt: number;
  jobRowId: number;
  workflow: string;
  jobId: string;
  jobName: string;
  matrix: Readonly<Record<string, unknown>> | null;
  /** The job's attempt (a rerun of the job), not the test's. */
  jobAttempt: number;
  /** The job's tree fingerprint and input key; null for jobs recorded before tierci kept them. */
  tree: string | null;
  inputKey: string | null;
  suite: string;
  classname: string | null;
  name: string;
  file: string | null;
  line: number | null;
  status: TestStatus;
  durationMs: number;
  message: string | null;
  /** Runs of the test inside its report: 1, plus one per retry listed. */
  attempts: number;
  /** The statuses of the earlier attempts, oldest first. */
  retryStatuses: TestStatus[];
}

/** Which finished runs RunStore.prune deletes: those matching every option given. */
export interface PruneOptions {
  /** Only the runs of this repository root. */
  repoRoot?: string;
  /** Keep the newest this many runs (of each repository root). */
  keep?: number;
  /** Only the runs started before this time. */
  startedBefore?: number;
  /** Say what would go, delete nothing. */
  dryRun?: boolean;
}

/** Final statuses; an error counts as failed. */
export interface TestTotals {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Runs, jobs, steps, logs, annotations, test results and coverage, written as a run goes. Every write is durable when
 * the method returns, except log lines: appendLog buffers them and writes a batch when it is full,
 * after a short interval, before any other write, and on flush(), close() and process exit.
 */
export interface RunStore {
  /** Allocates the run's number and records it as in progress by this process. */
  createRun(run: NewRun): RunRecord;
  finishRun(runId: string, result: RunResult): void;

  addJob(job: NewJob): JobRecord;
  startJob(jobRowId: number, startedAt?: number): void;
  finishJob(jobRowId: number, conclusion: Conclusion, finishedAt?: number): void;
  /** The job's outputs, as the jobs that need it saw them, for a later job to reuse. */
  setJobOutputs(jobRowId: number, outputs: Readonly<Record<string, string>>): void;
  /** The latest successful job of the repository whose input key is `inputKey`. */
  findReusableJob(repoRoot: string, inputKey: string): ReusableJob | undefined;
  /** Copies the annotations, test results and coverage of one job to another, in one transaction. */
  carryJobResults(fromJobRowId: number, toJobRowId: number): void;

  addStep(step: NewStep): StepRecord;
  startStep(stepRowId: number, startedAt?: number): void;
  finishStep(stepRowId: number, result: StepResult): void;

  /** Cheap: the line is buffered, not yet written (see the interface's description). */
  appendLog(line: NewLogLine): void;
  addAnnotation(annotation: NewAnnotation): AnnotationRecord;

  /** Writes the buffered log lines now. */
  flush(): void;
  /** Flushes and releases the database; the store cannot be used afterwards. Idempotent. */
  close(): void;

  /** Newest first. */
  listRuns(options: ListRunsOptions): RunRecord[];
  /**
   * A run by number (a number, or a string of digits), by id, or by a prefix of its id that
   * matches one run only. A string of digits that is no run's number is tried as an id prefix.
   * Throws StoreError "ambiguous-run" when more than one run matches.
   */
  getRun(ref: string | number, repoRoot?: string): RunRecord | undefined;
  /** In the order they were added. */
  jobsOf(runId: string): JobRecord[];
  /** By index. */
  stepsOf(jobRowId: number): StepRecord[];
  /**
   * In the order they were appended. stepIndex: a number for that step's lines, null for the
   * job-level lines only, absent for all of the job's lines.
   */
  logsOf(jobRowId: number, stepIndex?: number | null): LogLine[];
  /**
   * Like logsOf without a step, one line at a time from the database: a log of any size is read
   * in constant memory. From `fromSeq` on (default 1): a page of a long log starts where it is asked to,
   * through the (job, seq) key. Finish (or return from) the iteration before any other call to the store.
   */
  iterateLogs(jobRowId: number, fromSeq?: number): IterableIterator<LogLine>;
  /** The number of lines of a job's log (the seq of its last line), without reading them. */
  logLength(jobRowId: number): number;
  /** In the order they were added. */
  annotationsOf(runId: string): AnnotationRecord[];

  /**
   * A job's test results, all in one transaction. Messages are stored as given (mask them first);
   * failure details are not kept.
   */
  addTestResults(jobRowId: number, results: readonly TestCaseResult[]): void;
  /**
   * A job's coverage report, in one transaction. Which lines ran is kept, not how often: files
   * read back with hits of 1 or 0. A job may add several reports.
   */
  addCoverage(jobRowId: number, report: CoverageReport): void;
  /** Oldest run first, then in the order the jobs and their results were added; reused jobs' copies left out. */
  testHistory(options: TestHistoryOptions): TestHistoryRow[];
  /**
   * A run's coverage by file (sorted by path), merged over its jobs and reports: a line counts as
   * covered when any of them covered it. With jobRowId, that job's only. Empty without coverage.
   */
  coverageOf(runId: string, jobRowId?: number): FileCoverage[];
  /** Over the latest attempt of each job: a job run again replaces its earlier results. */
  testTotals(runId: string): TestTotals;

  /**
   * Deletes the finished runs the options select, with everything recorded of them, and returns
   * them, oldest first; then compacts the database file. With no option given, nothing is selected.
   */
  prune(options: PruneOptions): RunRecord[];
}

export type StoreErrorKind = "not-found" | "ambiguous-run" | "schema-too-new" | "closed";

export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(
    message: string,
    readonly kind: StoreErrorKind,
  ) {
    super(message);
  }
}
