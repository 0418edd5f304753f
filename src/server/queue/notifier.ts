// Wake-ups between replicas: one connection per server LISTENs on tierci's channels, and a wait
// here ends on a matching NOTIFY or at its timeout, whichever comes first. Waiters always check
// the database themselves after waking, so a notification lost while reconnecting costs at most
// one timeout, never a job.
import type pg from "pg";
import { newClient } from "./pg-pool.js";

export const CHANNELS = {
  /** A job was queued or handed back: agents waiting for a lease look again. */
  queue: "tierci_queue",
  /** A job changed (events, outcome, lease lost, cancel asked); the payload is its id. */
  job: "tierci_job",
  /** A run was queued or a cancel asked for: the replica that runs runs looks again. */
  runs: "tierci_runs",
} as const;

type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

interface Waiter {
  channel: Channel;
  payload: string | undefined;
  wake: () => void;
}

export class Notifier {
  private client: pg.Client | undefined;
  private readonly waiters = new Set<Waiter>();
  private closed = false;
  private reconnect: NodeJS.Timeout | undefined;

  constructor(private readonly url: string) {}

  async start(): Promise<void> {
    const client = newClient(this.url);
    client.on("notification", (n) => this.deliver(n.channel as Channel, n.payload));
    client.on("error", () => this.restart(client));
    client.on("end", () => this.restart(client));
    try {
      await client.connect();
      for (const ch of Object.values(CHANNELS)) await client.query(`LISTEN ${ch}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
  }

  private restart(client: pg.Client): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    // Everyone looks again now: what was notified while the connection was down is not lost.
    for (const w of this.waiters) w.wake();
    this.scheduleStart();
  }

  private scheduleStart(): void {
    this.reconnect = setTimeout(() => {
      this.start().catch(() => {
        if (!this.closed) this.scheduleStart();
      });
    }, 1000);
  }

  private deliver(channel: Channel, payload: string | undefined): void {
    for (const w of this.waiters) if (w.channel === channel && (w.payload === undefined || w.payload === payload)) w.wake();
  }

  /** Resolves on a notification on `channel` (with `payload`, when given), at `timeoutMs`, or when `signal` aborts. */
  wait(channel: Channel, timeoutMs: number, payload?: string, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.waiters.delete(waiter);
        resolve();
      };
      const waiter: Waiter = { channel, payload, wake: done };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener("abort", done, { once: true });
      this.waiters.add(waiter);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnect);
    for (const w of this.waiters) w.wake();
    await this.client?.end().catch(() => undefined);
  }
}
