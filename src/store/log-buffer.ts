// Log lines on their way to the database. appendLog is called for every line a step prints, so
// lines are numbered and held here, and written in batches: when the batch is full, after a
// short interval, or with the next other write (the store writes `rows` in the same transaction).
// A job's log is capped in bytes: past the cap one marker line says so and the rest is not stored.
import { formatSize } from "../util/format-size.js";
import { StoreError, type LogStream, type NewLogLine } from "./types.js";

export type LogRow = [jobRowId: number, seq: number, stepIndex: number | null, ts: number, stream: LogStream, text: string];

export interface LogLimits {
  /** Buffered lines that trigger a write. */
  batchLines: number;
  /** Longest time a line waits in the buffer. */
  flushMs: number;
  /** Bytes of text stored per job; the lines after the cap are dropped. */
  bytesPerJob: number;
}

export class LogBuffer {
  private pending: LogRow[] = [];
  /** The last seq handed out per job row: seqs are allocated here, before the line is written. */
  private readonly seqs = new Map<number, number>();
  /** Bytes kept per job row by this process; Infinity once the cap was reached. */
  private readonly bytes = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  /** A write the timer attempted and failed; raised by the next call, which has a caller to tell. */
  private timerError: unknown;

  constructor(
    private readonly limits: LogLimits,
    /** Writes the pending lines (in a transaction that writes `rows`, then calls written()). */
    private readonly flush: () => void,
    /** The job row's last stored seq (0 for none), undefined when there is no such job row. */
    private readonly lastSeq: (jobRowId: number) => number | undefined,
  ) {}

  get empty(): boolean {
    return this.pending.length === 0;
  }

  add(line: NewLogLine): void {
    const ts = line.ts ?? Date.now();
    const kept = this.bytes.get(line.jobRowId) ?? 0;
    if (kept === Infinity) return;
    const size = Buffer.byteLength(line.text);
    if (kept + size > this.limits.bytesPerJob) {
      this.bytes.set(line.jobRowId, Infinity);
      this.queue([
        line.jobRowId,
        this.nextSeq(line.jobRowId),
        line.stepIndex,
        ts,
        "system",
        `tierci: this job's log reached the cap of ${formatSize(this.limits.bytesPerJob)} kept per job; the rest of it is not stored (raise it with --log-cap)`,
      ]);
      return;
    }
    this.queue([line.jobRowId, this.nextSeq(line.jobRowId), line.stepIndex, ts, line.stream, line.text]);
    this.bytes.set(line.jobRowId, kept + size);
  }

  private queue(row: LogRow): void {
    this.pending.push(row);
    if (this.pending.length >= this.limits.batchLines) this.flush();
    else if (this.timer === undefined) this.timer = setTimeout(this.flushFromTimer, this.limits.flushMs).unref();
  }

  private readonly flushFromTimer = (): void => {
    this.timer = undefined;
    try {
      this.flush();
    } catch (err) {
      this.timerError = err;
    }
  };

  /** The lines to write, in order; they stay pending until written() says they were committed. */
  get rows(): readonly LogRow[] {
    return this.pending;
  }

  written(): void {
    this.pending = [];
    this.stop();
  }

  /** Throws, once, the error of a write the timer attempted. */
  raiseTimerError(): void {
    if (this.timerError === undefined) return;
    const err = this.timerError;
    this.timerError = undefined;
    throw err;
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Checks the job row exists the first time it is seen, so that a bad id fails this call rather
   * than every later batch that would carry the line.
   */
  private nextSeq(jobRowId: number): number {
    let last = this.seqs.get(jobRowId);
    if (last === undefined) {
      last = this.lastSeq(jobRowId);
      if (last === undefined) throw new StoreError(`job row ${jobRowId} is not in the run store`, "not-found");
    }
    this.seqs.set(jobRowId, last + 1);
    return last + 1;
  }
}
