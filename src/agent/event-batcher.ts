// What a running job reports, sent to the server in order and in batches (every 250 ms, or sooner
// when 500 are waiting), one request at a time. A quiet job still renews its lease with heartbeats.
// The server's answers say whether the run was cancelled or the lease is lost.
import type { JobEvent } from "../pipeline/remote-job.js";
import { ServerAnswer, type AgentClient } from "./agent-client.js";

const FLUSH_MS = 250;
const FLUSH_EVENTS = 500;
/** A batch's size stays well under what the server takes in one request (2 MiB). */
const BATCH_BYTES = 1024 * 1024;
/** The longest log line the server records; a longer one is cut, saying so. */
const MAX_LINE = 60_000;

export interface BatcherEvents {
  cancel(): void;
  /** The lease is gone (it ran out and the job was re-queued or failed): stop the job, report nothing more. */
  lost(reason: string): void;
}

export class EventBatcher {
  private pending: JobEvent[] = [];
  private sending: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private lastSent = Date.now();
  private gone = false;
  private failure: Error | undefined;

  constructor(
    private readonly client: AgentClient,
    private readonly jobId: number,
    private readonly lease: string,
    leaseMs: number,
    private readonly on: BatcherEvents,
  ) {
    const every = Math.max(200, Math.floor(leaseMs / 4));
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastSent >= every) this.enqueue(() => this.send("heartbeat", { lease: this.lease }));
    }, every / 2);
  }

  push(e: JobEvent): void {
    if (this.gone) return;
    if (e.t === "log" && e.line.length > MAX_LINE) e = { ...e, line: cut(e.line) };
    if (e.t === "annotation" && e.annotation.message.length > MAX_LINE) e = { ...e, annotation: { ...e.annotation, message: cut(e.annotation.message) } };
    this.pending.push(e);
    if (this.pending.length >= FLUSH_EVENTS) this.flushSoon(0);
    else this.flushSoon(FLUSH_MS);
  }

  private flushSoon(ms: number): void {
    if (this.timer !== undefined && ms > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.enqueue(() => this.sendPending());
    }, ms);
  }

  private enqueue(work: () => Promise<void>): void {
    this.sending = this.sending.then(work).catch((err: unknown) => {
      this.failure ??= err as Error;
    });
  }

  private async sendPending(): Promise<void> {
    while (this.pending.length > 0 && !this.gone) {
      const batch = firstBatch(this.pending);
      await this.send("events", { lease: this.lease, events: batch });
      this.pending = this.pending.slice(batch.length);
    }
  }

  private async send(what: "events" | "heartbeat", body: object): Promise<void> {
    if (this.gone) return;
    try {
      const answer = await this.client.json<{ cancel?: boolean }>("POST", `/api/agent/jobs/${this.jobId}/${what}`, { json: body });
      this.lastSent = Date.now();
      if (answer.cancel === true) this.on.cancel();
    } catch (err) {
      if (err instanceof ServerAnswer && err.status === 409) {
        this.gone = true;
        this.on.lost(err.message);
        return;
      }
      throw err;
    }
  }

  /** Sends everything still waiting; throws when a batch could not be delivered. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    clearTimeout(this.timer);
    this.timer = undefined;
    this.enqueue(() => this.sendPending());
    await this.sending;
    if (this.failure && !this.gone) throw this.failure;
  }

  /** Stops the heartbeats without sending more (the lease was lost or the job handed back). */
  abandon(): void {
    this.gone = true;
    clearInterval(this.heartbeat);
    clearTimeout(this.timer);
  }

  get lostLease(): boolean {
    return this.gone;
  }
}

/** The longest run of events from the start that fits one request (at least one event). */
function firstBatch(events: readonly JobEvent[]): JobEvent[] {
  let bytes = 0;
  let n = 0;
  while (n < events.length && n < 1000) {
    bytes += JSON.stringify(events[n]).length;
    if (n > 0 && bytes > BATCH_BYTES) break;
    n++;
  }
  return events.slice(0, n);
}

function cut(text: string): string {
  return `${text.slice(0, MAX_LINE)} … (cut at ${MAX_LINE} characters)`;
}
