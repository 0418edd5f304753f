// Everything the server tells the outside world (commit statuses, check runs, chat messages)
// goes through a persistent outbox: written in the server's records first, delivered after, with
// retries and backoff, and resumed after a restart. A forge or chat service that is down never
// fails or blocks a run; what could not be delivered stays recorded with its last error.
// Rows hold what to say, never how to authenticate: tokens and webhook URLs (which are secrets)
// are looked up in the config when an item is delivered.
import type Database from "better-sqlite3";
import type { Logger } from "../run-queue.js";

export type OutboxKind = "status" | "check" | "chat";

export interface OutboxItem {
  id: number;
  kind: OutboxKind;
  repo: string;
  payload: Record<string, unknown>;
  attempts: number;
}

/** Delivers one item; throws to have it retried. May return a new payload to keep (progress). */
export type Deliver = (item: OutboxItem, signal: AbortSignal) => Promise<Record<string, unknown> | undefined>;

export interface OutboxOptions {
  /** Attempts before an item is given up as failed. */
  maxAttempts?: number;
  /** First retry delay; doubled each time up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per delivery. */
  timeoutMs?: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  repo TEXT NOT NULL,
  payload TEXT NOT NULL,
  supersede_key TEXT,
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL,
  last_error TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_at);
`;

export class Outbox {
  private readonly handlers = new Map<OutboxKind, Deliver>();
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private closed = false;
  private readonly inFlight = new AbortController();
  private readonly o: Required<OutboxOptions>;

  constructor(
    private readonly db: Database.Database,
    private readonly log: Logger,
    opts: OutboxOptions = {},
  ) {
    db.exec(SCHEMA);
    this.o = {
      maxAttempts: opts.maxAttempts ?? 8,
      baseDelayMs: opts.baseDelayMs ?? 1000,
      maxDelayMs: opts.maxDelayMs ?? 5 * 60_000,
      timeoutMs: opts.timeoutMs ?? 10_000,
    };
  }

  handle(kind: OutboxKind, deliver: Deliver): void {
    this.handlers.set(kind, deliver);
  }

  /**
   * `supersedes`: items with the same key replace the older ones not delivered yet (a commit
   * status of one context: a retried "pending" must never land after the final state).
   */
  enqueue(kind: OutboxKind, repo: string, payload: Record<string, unknown>, supersedes?: string): void {
    const now = Date.now();
    this.db.transaction(() => {
      if (supersedes !== undefined)
        this.db.prepare("UPDATE outbox SET state = 'superseded' WHERE state = 'pending' AND repo = ? AND supersede_key = ?").run(repo, supersedes);
      this.db
        .prepare("INSERT INTO outbox (kind, repo, payload, supersede_key, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?)")
        .run(kind, repo, JSON.stringify(payload), supersedes ?? null, now, now);
    })();
    this.wake(0);
  }

  /** Delivers what is due now and whenever more becomes due, until close(). */
  start(): void {
    this.wake(0);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.inFlight.abort();
    await this.draining;
  }

  private wake(ms: number): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.draining) return this.wake(50);
      this.draining = this.drain().finally(() => (this.draining = undefined));
    }, ms);
  }

  private async drain(): Promise<void> {
    const due = this.db
      .prepare("SELECT id, kind, repo, payload, attempts, supersede_key AS key FROM outbox WHERE state = 'pending' AND next_at <= ? ORDER BY id LIMIT 20")
      .all(Date.now()) as (Omit<OutboxItem, "payload"> & { payload: string; key: string | null })[];
    // Items of one key (one commit status context) go in order; the rest at once, so that one
    // slow forge does not hold up every other message.
    const groups = new Map<string, OutboxItem[]>();
    for (const { key, ...row } of due) {
      const group = key === null ? `#${row.id}` : `${row.repo} ${key}`;
      groups.set(group, [...(groups.get(group) ?? []), { ...row, payload: JSON.parse(row.payload) as Record<string, unknown> }]);
    }
    await Promise.all(
      [...groups.values()].map(async (items) => {
        for (const item of items) if (!this.closed) await this.deliver(item);
      }),
    );
    const next = this.db.prepare("SELECT MIN(next_at) AS at FROM outbox WHERE state = 'pending'").get() as { at: number | null };
    if (next.at !== null) this.wake(Math.max(0, next.at - Date.now()));
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const handler = this.handlers.get(item.kind);
    // A timer of our own, held until the delivery ends: a signal from AbortSignal.timeout() that only
    // AbortSignal.any() refers to can be garbage-collected before it fires, leaving a request unbounded.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new Error(`no answer within ${this.o.timeoutMs} ms`)), this.o.timeoutMs);
    const stopAll = (): void => deadline.abort(this.inFlight.signal.reason);
    this.inFlight.signal.addEventListener("abort", stopAll, { once: true });
    const signal = deadline.signal;
    try {
      if (!handler) throw new Error(`nothing delivers '${item.kind}' items`);
      // The signal ends the wait even for a request that does not heed it: one silent forge must not stall the outbox.
      const stop = aborted(signal);
      // A handler that finishes first leaves the abort unheard: it must not count as an unhandled rejection.
      stop.catch(() => undefined);
      const progress = await Promise.race([handler(item, signal), stop]);
      this.db
        .prepare("UPDATE outbox SET state = 'delivered', attempts = attempts + 1, payload = ?, last_error = NULL WHERE id = ?")
        .run(JSON.stringify(progress ?? item.payload), item.id);
    } catch (err) {
      if (this.closed) return;
      const attempts = item.attempts + 1;
      const still = this.db.prepare("SELECT state FROM outbox WHERE id = ?").get(item.id) as { state: string } | undefined;
      if (still?.state === "superseded") return;
      const message = describe(err);
      const failed = attempts >= this.o.maxAttempts;
      const delay = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** (attempts - 1));
      const progress = (err as { progress?: Record<string, unknown> }).progress ?? item.payload;
      this.db
        .prepare("UPDATE outbox SET state = ?, attempts = ?, next_at = ?, last_error = ?, payload = ? WHERE id = ?")
        .run(failed ? "failed" : "pending", attempts, Date.now() + delay, message, JSON.stringify(progress), item.id);
      this.log.error(
        { outbox: item.id, kind: item.kind, repo: item.repo, attempts, error: message },
        failed ? `gave up delivering a ${item.kind} after ${attempts} attempts` : `could not deliver a ${item.kind}; retrying in ${delay} ms`,
      );
    } finally {
      clearTimeout(timer);
      this.inFlight.signal.removeEventListener("abort", stopAll);
    }
  }
}

/** Rejects when `signal` aborts, with its reason. */
function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const fail = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error("the request was aborted"));
    if (signal.aborted) fail();
    else signal.addEventListener("abort", fail, { once: true });
  });
}

/** An error as one line, without anything a request carried (tokens are in headers, never here). */
function describe(err: unknown): string {
  const status = (err as { status?: unknown }).status;
  const text = err instanceof Error ? err.message : String(err);
  return (typeof status === "number" ? `HTTP ${status}: ${text}` : text).split("\n")[0]?.slice(0, 500) ?? "";
}

/** Raised by a handler that got part of the way: the progress is kept for the next attempt. */
export class PartialDelivery extends Error {
  constructor(
    message: string,
    readonly progress: Record<string, unknown>,
  ) {
    super(message);
  }
}
