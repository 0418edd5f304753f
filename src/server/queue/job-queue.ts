// The job queue on Postgres: jobs a server's runs hand out, leased by exactly one agent at a time
// (FOR UPDATE SKIP LOCKED), kept alive by the agent's calls, and what the agent reported, in order.
// A lease that runs out puts the job back when no step had started, and otherwise marks it lost.
// Times are the database's own, so no machine's clock matters.
import { randomBytes } from "node:crypto";
import type { JobEvent, JobOutcome, JobSpec } from "../../pipeline/remote-job.js";
import { CHANNELS, type Notifier } from "./notifier.js";
import { inTransaction, type Pool } from "./pg-pool.js";

export type QueueStatus = "queued" | "leased" | "done" | "lost" | "cancelled";

export interface NewQueuedJob {
  owner: string;
  repo: string;
  runId: string;
  name: string;
  labels: string[];
  spec: JobSpec;
  source: string;
  sha: string;
  artifacts: string | null;
}

/** A job named a blob the store no longer holds: unused blobs are collected, and the caller makes it again. */
export class MissingBlob extends Error {
  constructor(readonly digests: string[]) {
    super(`the blobs ${digests.join(", ")} are not in the store`);
  }
}

export interface AgentIdentity {
  name: string;
  tokenName: string;
  labels: string[];
}

export interface LeasedJob {
  id: number;
  lease: string;
  repo: string;
  spec: JobSpec;
  source: string;
  sha: string;
  artifacts: string | null;
}

export interface QueuedJobState {
  status: QueueStatus;
  outcome: JobOutcome | null;
  agent: string | null;
  stepStarted: boolean;
}

/** What a call about a leased job learns: whether the lease still holds, and whether to cancel. */
export interface LeaseCheck {
  held: boolean;
  cancel: boolean;
}

export class JobQueue {
  constructor(
    private readonly pool: Pool,
    private readonly notifier: Notifier,
    /** How long a lease lasts after the agent's last call. */
    readonly leaseMs: number,
  ) {}

  /**
   * Queues a job, marking its blobs used in the same transaction (MissingBlob when one is gone):
   * the row lock that takes keeps BlobStore.collectUnused off them until the job is queued.
   */
  async enqueue(job: NewQueuedJob): Promise<number> {
    const blobs = job.artifacts === null ? [job.source] : [job.source, job.artifacts];
    const id = await inTransaction(this.pool, async (c) => {
      const used = await c.query<{ digest: string }>("UPDATE blob_heads SET used_at = now() WHERE digest = ANY($1::text[]) AND complete RETURNING digest", [
        blobs,
      ]);
      const missing = blobs.filter((d) => !used.rows.some((r) => r.digest === d));
      if (missing.length > 0) throw new MissingBlob(missing);
      const r = await c.query<{ id: number }>(
        `INSERT INTO agent_jobs (owner, repo, run_id, name, labels, spec, source, sha, artifacts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [job.owner, job.repo, job.runId, job.name, job.labels, JSON.stringify(job.spec), job.source, job.sha, job.artifacts],
      );
      return (r.rows[0] as { id: number }).id;
    });
    await this.notify(CHANNELS.queue, "");
    return id;
  }

  /** Leases the oldest queued job the agent's labels cover, or undefined when there is none. */
  async lease(agent: AgentIdentity): Promise<LeasedJob | undefined> {
    await this.pool.query(
      `INSERT INTO agents (name, labels, token_name, last_seen) VALUES ($1, $2, $3, now())
       ON CONFLICT (name) DO UPDATE SET labels = EXCLUDED.labels, token_name = EXCLUDED.token_name, last_seen = now()`,
      [agent.name, agent.labels, agent.tokenName],
    );
    const lease = randomBytes(24).toString("base64url");
    const r = await this.pool.query<{ id: number; repo: string; spec: JobSpec; source: string; sha: string; artifacts: string | null }>(
      `UPDATE agent_jobs SET status = 'leased', agent = $1, token_name = $2, lease = $3, leased_at = now(),
         lease_expires = now() + $4 * interval '1 millisecond', leases = leases + 1
       WHERE id = (SELECT id FROM agent_jobs WHERE status = 'queued' AND labels <@ $5::text[] ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
       RETURNING id, repo, spec, source, sha, artifacts`,
      [agent.name, agent.tokenName, lease, this.leaseMs, agent.labels],
    );
    const row = r.rows[0];
    if (!row) return undefined;
    await this.notify(CHANNELS.job, String(row.id));
    return { ...row, lease };
  }

  /** Waits up to `waitMs` for a job the agent can take. */
  async leaseWait(agent: AgentIdentity, waitMs: number, signal?: AbortSignal): Promise<LeasedJob | undefined> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const job = await this.lease(agent);
      const left = deadline - Date.now();
      if (job || left <= 0 || signal?.aborted) return job;
      await this.notifier.wait(CHANNELS.queue, Math.min(left, 5000), undefined, signal);
    }
  }

  /**
   * Renews the lease; `events` (already masked) are recorded in the same transaction. `starting`:
   * the agent is about to run the job's steps, so from now on a lapsed lease fails the job rather
   * than running it a second time elsewhere.
   */
  async report(id: number, lease: string, events: readonly JobEvent[], starting = false): Promise<LeaseCheck> {
    const started = starting || events.some((e) => e.t === "step-start");
    const check = await inTransaction(this.pool, async (c) => {
      const r = await c.query<{ cancel: boolean }>(
        `UPDATE agent_jobs SET lease_expires = now() + $3 * interval '1 millisecond', step_started = step_started OR $4
         WHERE id = $1 AND lease = $2 AND status = 'leased' RETURNING cancel_requested AS cancel`,
        [id, lease, this.leaseMs, started],
      );
      const row = r.rows[0];
      if (!row) return { held: false, cancel: false };
      if (events.length > 0)
        await c.query("INSERT INTO agent_events (job_id, body) SELECT $1, e FROM jsonb_array_elements($2::jsonb) AS e", [id, JSON.stringify(events)]);
      return { held: true, cancel: row.cancel };
    });
    if (check.held && events.length > 0) await this.notify(CHANNELS.job, String(id));
    return check;
  }

  /** Records the outcome; true when it is recorded (also for the same lease's repeated call). */
  async complete(id: number, lease: string, outcome: JobOutcome): Promise<boolean> {
    const r = await this.pool.query(
      `UPDATE agent_jobs SET status = 'done', outcome = $3, finished_at = now() WHERE id = $1 AND lease = $2 AND status IN ('leased', 'done') RETURNING id`,
      [id, lease, JSON.stringify(outcome)],
    );
    if (r.rowCount === 0) return false;
    await this.notify(CHANNELS.job, String(id));
    return true;
  }

  /** Puts a job whose steps have not started back on the queue; false when the lease is not held or a step started. */
  async release(id: number, lease: string): Promise<boolean> {
    const r = await this.pool.query(
      `UPDATE agent_jobs SET status = 'queued', agent = NULL, token_name = NULL, lease = NULL, lease_expires = NULL
       WHERE id = $1 AND lease = $2 AND status = 'leased' AND NOT step_started RETURNING id`,
      [id, lease],
    );
    if (r.rowCount === 0) return false;
    await this.notify(CHANNELS.queue, "");
    await this.notify(CHANNELS.job, String(id));
    return true;
  }

  /** Ends leases that ran out: back on the queue when no step had started, lost otherwise. Returns how many of each. */
  async reapExpired(): Promise<{ requeued: number; lost: number }> {
    const requeued = await this.pool.query<{ id: number }>(
      `UPDATE agent_jobs SET status = 'queued', agent = NULL, token_name = NULL, lease = NULL, lease_expires = NULL
       WHERE status = 'leased' AND lease_expires < now() AND NOT step_started RETURNING id`,
    );
    const lost = await this.pool.query<{ id: number }>(
      `UPDATE agent_jobs SET status = 'lost', finished_at = now() WHERE status = 'leased' AND lease_expires < now() AND step_started RETURNING id`,
    );
    await this.pool.query("DELETE FROM agent_jobs WHERE finished_at < now() - interval '1 day' AND status NOT IN ('queued', 'leased')");
    if (requeued.rows.length > 0) await this.notify(CHANNELS.queue, "");
    for (const row of [...requeued.rows, ...lost.rows]) await this.notify(CHANNELS.job, String(row.id));
    return { requeued: requeued.rows.length, lost: lost.rows.length };
  }

  /** Asks for the job to be cancelled: a queued job is cancelled at once, a leased one when its agent next calls. */
  async requestCancel(id: number): Promise<QueueStatus | undefined> {
    const r = await this.pool.query<{ status: QueueStatus }>(
      `UPDATE agent_jobs SET cancel_requested = true, status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
         finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END
       WHERE id = $1 RETURNING status`,
      [id],
    );
    return r.rows[0]?.status;
  }

  async state(id: number): Promise<QueuedJobState | undefined> {
    const r = await this.pool.query<QueuedJobState>('SELECT status, outcome, agent, step_started AS "stepStarted" FROM agent_jobs WHERE id = $1', [id]);
    return r.rows[0];
  }

  async eventsAfter(id: number, seq: number): Promise<{ seq: number; body: JobEvent }[]> {
    const r = await this.pool.query<{ seq: number; body: JobEvent }>(
      "SELECT seq, body FROM agent_events WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT 2000",
      [id, seq],
    );
    return r.rows;
  }

  /** The job as the lease names it, when the lease is held by this token: what the blob and secret calls check. */
  async heldBy(id: number, lease: string, tokenName: string): Promise<{ repo: string; spec: JobSpec; source: string; artifacts: string | null } | undefined> {
    const r = await this.pool.query<{ repo: string; spec: JobSpec; source: string; artifacts: string | null }>(
      "SELECT repo, spec, source, artifacts FROM agent_jobs WHERE id = $1 AND lease = $2 AND token_name = $3 AND status = 'leased'",
      [id, lease, tokenName],
    );
    return r.rows[0];
  }

  /** Whether a token holds a live lease on a job whose source or artifacts is this blob. */
  async mayRead(tokenName: string, digest: string): Promise<boolean> {
    const r = await this.pool.query("SELECT 1 FROM agent_jobs WHERE token_name = $1 AND status = 'leased' AND (source = $2 OR artifacts = $2) LIMIT 1", [
      tokenName,
      digest,
    ]);
    return (r.rowCount ?? 0) > 0;
  }

  /** Jobs on the queue and out on leases, and agents that asked for work in the last minute: what /metrics shows. */
  async counts(): Promise<{ queued: number; leased: number; agents: number }> {
    const r = await this.pool.query<{ queued: number; leased: number; agents: number }>(
      `SELECT (SELECT COUNT(*) FROM agent_jobs WHERE status = 'queued')::integer AS queued,
              (SELECT COUNT(*) FROM agent_jobs WHERE status = 'leased')::integer AS leased,
              (SELECT COUNT(*) FROM agents WHERE last_seen > now() - interval '1 minute')::integer AS agents`,
    );
    return r.rows[0] ?? { queued: 0, leased: 0, agents: 0 };
  }

  /** Agents seen within `withinMs`, for the message of a job nobody takes. */
  async agentsSeen(withinMs: number): Promise<{ name: string; labels: string[] }[]> {
    const r = await this.pool.query<{ name: string; labels: string[] }>(
      "SELECT name, labels FROM agents WHERE last_seen > now() - $1 * interval '1 millisecond' ORDER BY name LIMIT 20",
      [withinMs],
    );
    return r.rows;
  }

  /**
   * Jobs handed out by a server that no longer runs them (it stopped, another took over): queued
   * ones are cancelled, leased ones asked to cancel. Their runs end as the server's recovery says.
   */
  async abandonOthers(owner: string): Promise<number> {
    const r = await this.pool.query(
      `UPDATE agent_jobs SET cancel_requested = true, status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END
       WHERE owner <> $1 AND status IN ('queued', 'leased') RETURNING id`,
      [owner],
    );
    return r.rowCount ?? 0;
  }

  /**
   * Drops what a finished job reported (the run store has it now). Its row stays a day, saying which
   * agent ran it and how long it waited for a lease, and is pruned by the reaper after.
   */
  async forget(id: number): Promise<void> {
    await this.pool.query("DELETE FROM agent_events WHERE job_id = $1", [id]);
    // A job given up while still out (the server failed following it) is called back, never leased again.
    await this.pool.query(
      `UPDATE agent_jobs SET spec = '{}'::jsonb, finished_at = COALESCE(finished_at, now()), cancel_requested = cancel_requested OR status IN ('queued', 'leased'),
         status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END WHERE id = $1`,
      [id],
    );
  }

  private async notify(channel: string, payload: string): Promise<void> {
    await this.pool.query("SELECT pg_notify($1, $2)", [channel, payload]);
  }
}
