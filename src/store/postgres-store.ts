// The RunStore on Postgres, for several processes or machines sharing one store. Same contract
// and semantics as the SQLite store; the connection lives in a worker thread (postgres-bridge.ts)
// so that every call stays synchronous. Each write is one transaction and one round trip,
// carrying the log lines buffered before it.
import { currentProcess } from "../util/process-identity.js";
import { BufferedRunStore } from "./buffered-store.js";
import { LogBuffer } from "./log-buffer.js";
import { PostgresBridge, type Statement, type StatementResult } from "./postgres-bridge.js";
import { closeInterruptedPostgresRuns, prunePostgresRuns } from "./postgres-maintenance.js";
import { PostgresQueries } from "./postgres-queries.js";
import { migratePostgres } from "./postgres-schema.js";
import { redactUrl, withoutPassword } from "./postgres-url.js";
import { PostgresJobReuse } from "./postgres-reuse.js";
import { insertLogs, PostgresWrites } from "./postgres-writes.js";
import { withDefaults, type StoreOptions } from "./store-options.js";
import type { PruneOptions, RunRecord, RunStore } from "./types.js";

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
  let store: PostgresRunStore | undefined;
  try {
    migratePostgres(db, redactUrl(url));
    store = new PostgresRunStore(db, url, settings);
    store.closeInterruptedRuns();
    return store;
  } catch (err) {
    if (store === undefined) db.close();
    else store.close();
    throw err;
  }
}

class PostgresRunStore extends BufferedRunStore {
  protected readonly writes: PostgresWrites;
  protected readonly reads: PostgresQueries;
  protected readonly reuse: PostgresJobReuse;
  protected readonly logs: LogBuffer;

  constructor(
    private readonly db: PostgresBridge,
    private readonly url: string,
    options: Required<StoreOptions>,
  ) {
    super(redactUrl(url));
    this.writes = new PostgresWrites((statements) => this.commit(statements), currentProcess());
    this.reads = new PostgresQueries(db);
    this.reuse = new PostgresJobReuse(db, (statements) => this.commit(statements));
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

  /** Each of PostgresWrites' methods is already one commit. */
  protected inTransaction<T>(write: () => T): T {
    return write();
  }

  protected writePending(): void {
    if (!this.logs.empty) this.commit([]);
  }

  protected pruneRuns(options: PruneOptions): RunRecord[] {
    return prunePostgresRuns(this.db, options, (statements) => this.commit(statements));
  }

  closeInterruptedRuns(): void {
    closeInterruptedPostgresRuns(this.db, (statements) => this.commit(statements));
  }

  protected release(): void {
    this.db.close();
  }

  protected override describe(err: unknown): string {
    return withoutPassword(String(err), this.url);
  }
}
