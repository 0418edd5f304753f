// Which replica runs the runs: the one holding a Postgres advisory lock on a connection of its
// own. Any replica takes webhooks, API calls and agents; only the leader plans, schedules and fires
// cron, so concurrency groups and schedules hold across replicas. When the leader dies its
// connection closes, the lock is free, and another replica takes over within one try interval.
import type pg from "pg";
import { newClient } from "./pg-pool.js";

/** Any 64-bit number of tierci's own, so that this lock is not taken by another program. */
const LEADER_LOCK = 7_351_904_222;

export interface LeadershipEvents {
  lead(): void;
  /** The lock's connection broke: this replica may no longer be the only one running runs. */
  lost(): void;
}

export class Leadership {
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private trying = false;
  leading = false;

  constructor(
    private readonly url: string,
    private readonly events: LeadershipEvents,
    private readonly tryEveryMs = 2000,
  ) {}

  async start(): Promise<void> {
    await this.attempt();
    this.timer = setInterval(() => void this.attempt(), this.tryEveryMs);
    this.timer.unref();
  }

  private async attempt(): Promise<void> {
    if (this.leading || this.trying) return;
    this.trying = true;
    try {
      if (!this.client) {
        const client = newClient(this.url);
        client.on("error", () => this.drop(client));
        client.on("end", () => this.drop(client));
        await client.connect();
        this.client = client;
      }
      const r = await this.client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [LEADER_LOCK]);
      if (r.rows[0]?.ok === true) {
        this.leading = true;
        this.events.lead();
      }
    } catch {
      if (this.client) this.drop(this.client);
    } finally {
      this.trying = false;
    }
  }

  private drop(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    if (this.leading) {
      this.leading = false;
      this.events.lost();
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    const client = this.client;
    this.client = undefined;
    this.leading = false;
    await client?.end().catch(() => undefined);
  }
}
