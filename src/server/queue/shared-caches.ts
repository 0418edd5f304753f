// Caches the agents of a server share: an index of (repository, scope, version, key) to a blob
// holding the files, matched as GitHub's cache service matches: the primary key exactly (without
// regard to case), then each restore key as a prefix, newest first, in the job's scopes in order.
// The first save of a key wins; entries unused for 7 days go, as on GitHub.
import type { Pool } from "./pg-pool.js";

export interface CacheQuery {
  repo: string;
  scopes: readonly string[];
  version: string;
  keys: readonly string[];
}

export class SharedCaches {
  constructor(private readonly pool: Pool) {}

  async lookup(q: CacheQuery): Promise<{ key: string; blob: string } | undefined> {
    for (const [n, key] of q.keys.entries()) {
      for (const scope of q.scopes) {
        const match = n === 0 ? "lower(key) = lower($4)" : "starts_with(key, $4)";
        const r = await this.pool.query<{ key: string; blob: string }>(
          `UPDATE shared_caches SET last_used = now()
           WHERE (repo, scope, version, key) = (SELECT repo, scope, version, key FROM shared_caches
             WHERE repo = $1 AND scope = $2 AND version = $3 AND ${match} ORDER BY created_at DESC LIMIT 1)
           RETURNING key, blob`,
          [q.repo, scope, q.version, key],
        );
        const row = r.rows[0];
        if (row) return row;
      }
    }
    return undefined;
  }

  /** false when the key was shared before. */
  async add(entry: { repo: string; scope: string; version: string; key: string; blob: string; size: number }): Promise<boolean> {
    const r = await this.pool.query(
      "INSERT INTO shared_caches (repo, scope, version, key, blob, size) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING key",
      [entry.repo, entry.scope, entry.version, entry.key, entry.blob, entry.size],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /** Whether the blob holds a shared cache of a repository a job leased to this token belongs to. */
  async readable(tokenName: string, digest: string): Promise<boolean> {
    const r = await this.pool.query(
      `SELECT 1 FROM shared_caches c WHERE c.blob = $2
         AND EXISTS (SELECT 1 FROM agent_jobs j WHERE j.token_name = $1 AND j.status = 'leased' AND j.repo = c.repo) LIMIT 1`,
      [tokenName, digest],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /** Drops entries unused for 7 days and the blobs no entry or job needs any more. */
  async expire(): Promise<void> {
    const gone = await this.pool.query<{ blob: string }>("DELETE FROM shared_caches WHERE last_used < now() - interval '7 days' RETURNING blob");
    if (gone.rows.length === 0) return;
    await this.pool.query(
      `DELETE FROM blob_heads b WHERE b.digest = ANY($1::text[]) AND NOT b.for_runs AND NOT EXISTS (SELECT 1 FROM shared_caches c WHERE c.blob = b.digest)
         AND NOT EXISTS (SELECT 1 FROM agent_jobs j WHERE j.status IN ('queued', 'leased') AND (j.source = b.digest OR j.artifacts = b.digest))`,
      [gone.rows.map((r) => r.blob)],
    );
  }
}
