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
  // Every replica reaps: the updates are atomic, so two replicas never both act on one lease.
  const reaper = setInterval(
    () => {
      queue
        .reapExpired()
        .then((r) => (r.requeued + r.lost > 0 ? onReaped(r) : undefined))
        .then(() => caches.expire())
        .catch(() => undefined);
    },
    Math.max(250, Math.min(5000, leaseMs / 4)),
  );
  reaper.unref();
  return {
    pool,
    queue,
    blobs: new BlobStore(pool),
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
