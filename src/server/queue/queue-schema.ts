// The tables of the job queue, beside the run store's in the same database: queued and leased
// jobs, what running jobs reported, content-addressed blobs, connected agents and agent tokens.
// Versioned, applied at start under an advisory lock so replicas starting together agree.
import type { Pool } from "./pg-pool.js";

const MIGRATIONS: string[] = [
  `CREATE TABLE agent_jobs (
    id BIGSERIAL PRIMARY KEY,
    owner TEXT NOT NULL,
    repo TEXT NOT NULL,
    run_id TEXT NOT NULL,
    name TEXT NOT NULL,
    labels TEXT[] NOT NULL,
    spec JSONB NOT NULL,
    source TEXT NOT NULL,
    sha TEXT NOT NULL,
    artifacts TEXT,
    status TEXT NOT NULL DEFAULT 'queued',
    agent TEXT,
    token_name TEXT,
    lease TEXT,
    leased_at TIMESTAMPTZ,
    lease_expires TIMESTAMPTZ,
    step_started BOOLEAN NOT NULL DEFAULT false,
    cancel_requested BOOLEAN NOT NULL DEFAULT false,
    leases INT NOT NULL DEFAULT 0,
    outcome JSONB,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    finished_at TIMESTAMPTZ
  );
  CREATE INDEX agent_jobs_queued ON agent_jobs (id) WHERE status = 'queued';
  CREATE INDEX agent_jobs_leased ON agent_jobs (lease_expires) WHERE status = 'leased';
  CREATE TABLE agent_events (
    job_id BIGINT NOT NULL,
    seq BIGSERIAL NOT NULL,
    body JSONB NOT NULL,
    PRIMARY KEY (job_id, seq)
  );
  CREATE TABLE blob_heads (
    digest TEXT PRIMARY KEY,
    size BIGINT NOT NULL DEFAULT 0,
    complete BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
  );
  CREATE TABLE blob_chunks (
    digest TEXT NOT NULL REFERENCES blob_heads (digest) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (digest, at)
  );
  CREATE TABLE agents (
    name TEXT PRIMARY KEY,
    labels TEXT[] NOT NULL,
    token_name TEXT NOT NULL,
    last_seen TIMESTAMPTZ NOT NULL DEFAULT now()
  );
  CREATE TABLE agent_tokens (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    hash BYTEA NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at TIMESTAMPTZ
  );`,
  `CREATE TABLE shared_caches (
    repo TEXT NOT NULL,
    scope TEXT NOT NULL,
    version TEXT NOT NULL,
    key TEXT NOT NULL,
    blob TEXT NOT NULL,
    size BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_used TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (repo, scope, version, key)
  );`,
  // Blobs the server makes for its runs (bundles, artifacts) are dropped once unused for a while
  // (BlobStore.collectUnused); enqueueing a job marks the blobs it names as used.
  `ALTER TABLE blob_heads ADD COLUMN for_runs BOOLEAN NOT NULL DEFAULT false, ADD COLUMN used_at TIMESTAMPTZ NOT NULL DEFAULT now();`,
];

/** Any 64-bit number of tierci's own, so that this lock is not taken by another program. */
const MIGRATION_LOCK = 7_351_904_221;

export async function migrateQueue(pool: Pool): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await c.query("CREATE TABLE IF NOT EXISTS queue_migrations (version INT PRIMARY KEY)");
    const done = await c.query<{ v: number | null }>("SELECT MAX(version) AS v FROM queue_migrations");
    for (let v = (done.rows[0]?.v ?? 0) + 1; v <= MIGRATIONS.length; v++) {
      await c.query("BEGIN");
      await c.query(MIGRATIONS[v - 1] as string);
      await c.query("INSERT INTO queue_migrations (version) VALUES ($1)", [v]);
      await c.query("COMMIT");
    }
  } catch (err) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    await c.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
    c.release();
  }
}
