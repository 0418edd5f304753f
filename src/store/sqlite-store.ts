// The RunStore on an embedded SQLite database (better-sqlite3). Synchronous, like the library:
// each call is a short local transaction, and a caller that has just been told a write succeeded
// can rely on it without awaiting anything. The SQL lives by concern: schema.ts (migrations),
// run-writes.ts, log-buffer.ts, queries.ts, recovery.ts and retention.ts.
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { currentProcess } from "../util/process-identity.js";
import { BufferedRunStore } from "./buffered-store.js";
import { JobReuse } from "./job-reuse.js";
import { LogBuffer, type LogRow } from "./log-buffer.js";
import { RunQueries } from "./queries.js";
import { interruptedRunCloser } from "./recovery.js";
import { runPruner } from "./retention.js";
import { RunWrites } from "./run-writes.js";
import { migrate } from "./schema.js";
import { withDefaults, type StoreOptions } from "./store-options.js";
import type { PruneOptions, RunRecord, RunStore } from "./types.js";

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

class SqliteRunStore extends BufferedRunStore {
  protected readonly writes: RunWrites;
  protected readonly reads: RunQueries;
  protected readonly reuse: JobReuse;
  protected readonly logs: LogBuffer;
  private readonly closeDeadRuns: ReturnType<typeof interruptedRunCloser>;
  private readonly pruner: ReturnType<typeof runPruner>;
  private readonly inWriteTransaction: Database.Transaction<(write: () => unknown) => unknown>;

  constructor(
    private readonly db: Database.Database,
    options: Required<StoreOptions>,
  ) {
    super(db.name);
    this.writes = new RunWrites(db, currentProcess());
    this.reads = new RunQueries(db);
    this.reuse = new JobReuse(db);
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
    this.pruner = runPruner(db);
    this.inWriteTransaction = db.transaction((write: () => unknown) => {
      for (const row of this.logs.rows) insertLog.run(...row);
      return write();
    });
  }

  /**
   * One IMMEDIATE transaction: it takes the write lock up front, where a deferred transaction
   * upgrading from a stale read snapshot fails at once, without waiting out the busy timeout.
   */
  protected inTransaction<T>(write: () => T): T {
    const result = this.inWriteTransaction.immediate(write) as T;
    this.logs.written();
    return result;
  }

  protected writePending(): void {
    if (!this.logs.empty) this.inTransaction(() => undefined);
  }

  protected pruneRuns(options: PruneOptions): RunRecord[] {
    return this.pruner(options, (fn) => this.inTransaction(fn));
  }

  closeInterruptedRuns(): void {
    this.closeDeadRuns((fn) => this.inTransaction(fn));
  }

  protected release(): void {
    this.db.close();
  }
}
