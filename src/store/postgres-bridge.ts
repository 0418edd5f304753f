// A synchronous Postgres session. The RunStore interface is synchronous (a caller told a write
// succeeded relies on it without awaiting), and `pg` is asynchronous: a worker thread owns the
// connection, and each call here posts its statements to it and sleeps (Atomics.wait) until the
// answer is posted back. A call costs one thread hop on top of the database round trip, so the
// store sends each write, with the log lines buffered before it, as one request.
import { receiveMessageOnPort, MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import type { BridgeAnswer, BridgeRequest, BridgeSettings, Statement, StatementResult } from "./postgres-bridge-protocol.js";
import { redactUrl, withoutPassword } from "./postgres-url.js";

export type { Statement, StatementResult };

/** An error Postgres (or the connection to it) reported; `code` is Postgres's SQLSTATE when it gave one. */
export class PostgresError extends Error {
  override readonly name = "PostgresError";
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

export interface BridgeOptions extends BridgeSettings {
  /** How long a call waits for its answer before it gives up on the database. */
  answerTimeoutMs: number;
}

export class PostgresBridge {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(4));
  private nextId = 1;
  private ended = false;

  /** Connects to `url`, or throws a PostgresError that names the URL without its password. */
  constructor(
    private readonly url: string,
    private readonly options: BridgeOptions,
  ) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(new URL("./postgres-bridge-worker.js", import.meta.url), {
      workerData: { url, port: port2, signal: this.signal, settings: { connectTimeoutMs: options.connectTimeoutMs, lockTimeoutMs: options.lockTimeoutMs } },
      transferList: [port2],
      // The thread runs only `pg`: none of the process's flags (an -e script, loader hooks) apply to
      // it, and some would have it wait on this thread, which is asleep until the thread answers.
      execArgv: [],
    });
    // The connection must never keep a finished process alive; close() ends it properly.
    this.worker.unref();
    try {
      this.call({ kind: "open" }, `could not connect to the Postgres run store at ${redactUrl(url)}`, "check that the server runs and the URL is right");
    } catch (err) {
      this.stopWorker();
      throw err;
    }
  }

  /** Runs the statements in order, in one transaction when asked; one result per statement. */
  run(statements: readonly Statement[], transaction: boolean): StatementResult[] {
    if (statements.length === 0) return [];
    return this.call({ kind: "run", statements, transaction }, "the Postgres run store failed");
  }

  /** The rows of one statement. */
  rows<T>(sql: string, params: readonly unknown[] = []): T[] {
    return (this.run([{ sql, params }], false)[0]?.rows ?? []) as T[];
  }

  /** Ends the session and its thread. Idempotent. */
  close(): void {
    if (this.ended) return;
    try {
      this.call({ kind: "close" }, "could not close the Postgres connection");
    } finally {
      this.stopWorker();
    }
  }

  private stopWorker(): void {
    this.ended = true;
    this.port.close();
    void this.worker.terminate();
  }

  private call(request: DistributiveOmit<BridgeRequest, "id">, what: string, hint?: string): StatementResult[] {
    if (this.ended) throw new PostgresError(`${what}: the connection is closed`, null);
    const id = this.nextId++;
    this.port.postMessage({ ...request, id });
    const deadline = Date.now() + this.options.answerTimeoutMs;
    for (;;) {
      const seen = Atomics.load(this.signal, 0);
      const received = receiveMessageOnPort(this.port);
      if (received !== undefined) {
        const answer = received.message as BridgeAnswer;
        // An answer to an earlier call that timed out: that caller has already been told.
        if (answer.id !== id) continue;
        if (answer.ok) return answer.results;
        const message = withoutPassword(`${what}: ${answer.error.message}${hint === undefined ? "" : `; ${hint}`}`, this.url);
        throw new PostgresError(message, answer.error.code);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new PostgresError(`${what}: no answer from ${redactUrl(this.url)} within ${Math.round(this.options.answerTimeoutMs / 1000)} s`, null);
      }
      Atomics.wait(this.signal, 0, seen, left);
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
