// What a server needs to hand jobs to agents, opened together on the shared Postgres database and
// closed together: the queue, the blobs, the wake-ups, the agent tokens, and the reaper that ends
// leases whose agent went quiet.
import { AgentTokens } from "./agent-tokens.js";
import { BlobStore } from "./blob-store.js";
import { JobQueue } from "./job-queue.js";
import { Notifier } from "./notifier.js";
import { databaseError, openPool, type Pool } from "./pg-pool.js";
import { migrateQueue } from "./queue-schema.js";
import { SharedCaches } from "./shared-caches.js";

/** How long a blob made for runs stays after the last job queued with it (see BlobStore.collectUnused). */
const RUN_BLOB_GRACE_MS = 5 * 60_000;
const COLLECT_EVERY_MS = 60_000;

export interface AgentServices {
  pool: Pool;
  queue: JobQueue;
  blobs: BlobStore;
  notifier: Notifier;
  tokens: AgentTokens;
  caches: SharedCaches;
  close(): Promise<void>;
}

export async function openAgentServices(url: string, leaseMs: number, onReaped: (r: { requeued: number; lost: number }) => void): Promise<AgentServices> {
  const pool = openPool(url);
  const notifier = new Notifier(url);
  try {
    await migrateQueue(pool);
    await notifier.start();
  } catch (err) {
    await notifier.close();
    await pool.end().catch(() => undefined);
    throw databaseError(err, url, "preparing the job queue");
  }
  const queue = new JobQueue(pool, notifier, leaseMs);
  const caches = new SharedCaches(pool);
  const blobs = new BlobStore(pool);
  let collected = 0;
  const collect = async (): Promise<void> => {
    if (Date.now() - collected < COLLECT_EVERY_MS) return;
    collected = Date.now();
    await blobs.collectUnused(RUN_BLOB_GRACE_MS);
  };
  // Every replica reaps: the updates are atomic, so two replicas never both act on one lease.
  const reaper = setInterval(
    () => {
      queue
        .reapExpired()
        .then((r) => (r.requeued + r.lost > 0 ? onReaped(r) : undefined))
        .then(() => caches.expire())
        .then(collect)
        .catch(() => undefined);
    },
    Math.max(250, Math.min(5000, leaseMs / 4)),
  );
  reaper.unref();
  return {
    pool,
    queue,
    blobs,
    notifier,
    tokens: new AgentTokens(pool),
    caches,
    async close() {
      clearInterval(reaper);
      await notifier.close();
      await pool.end().catch(() => undefined);
    },
  };
}
