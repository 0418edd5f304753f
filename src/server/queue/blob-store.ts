// Content-addressed blobs in Postgres: git bundles of the commits agents test, the run's artifacts
// as a tar, and the reports and artifacts agents send back. Uploads append in order and resume at
// the size the server has; a blob is usable only once its bytes hash to its name.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { inTransaction, type Pool } from "./pg-pool.js";

/** Rows of at most this many bytes: big enough to be cheap, small enough to stream. */
const ROW_BYTES = 1024 * 1024;
/** The largest blob accepted: artifacts and bundles beyond it belong somewhere else. */
export const MAX_BLOB_BYTES = 8 * 1024 * 1024 * 1024;

export function isDigest(text: string): boolean {
  return /^[0-9a-f]{64}$/.test(text);
}

export function digestOf(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

export class BlobConflict extends Error {
  constructor(readonly size: number) {
    super(`the upload is at byte ${size}`);
  }
}

export class BlobStore {
  constructor(private readonly pool: Pool) {}

  async status(digest: string): Promise<{ size: number; complete: boolean }> {
    const r = await this.pool.query<{ size: number; complete: boolean }>("SELECT size, complete FROM blob_heads WHERE digest = $1", [digest]);
    return r.rows[0] ?? { size: 0, complete: false };
  }

  /** Appends `data` at `offset`, which must be the size already stored (BlobConflict otherwise). */
  async append(digest: string, offset: number, data: Buffer): Promise<number> {
    return inTransaction(this.pool, async (c) => {
      await c.query("INSERT INTO blob_heads (digest) VALUES ($1) ON CONFLICT DO NOTHING", [digest]);
      const head = (await c.query<{ size: number; complete: boolean }>("SELECT size, complete FROM blob_heads WHERE digest = $1 FOR UPDATE", [digest])).rows[0];
      const size = head?.size ?? 0;
      if (head?.complete || size !== offset) throw new BlobConflict(size);
      if (size + data.length > MAX_BLOB_BYTES) throw new Error(`a blob may hold at most ${MAX_BLOB_BYTES} bytes`);
      for (let at = 0; at < data.length; at += ROW_BYTES) {
        await c.query("INSERT INTO blob_chunks (digest, at, data) VALUES ($1, $2, $3)", [digest, size + at, data.subarray(at, at + ROW_BYTES)]);
      }
      await c.query("UPDATE blob_heads SET size = $2 WHERE digest = $1", [digest, size + data.length]);
      return size + data.length;
    });
  }

  /** Checks the stored bytes against the name: true and complete when they match; a mismatch is dropped. */
  async commit(digest: string): Promise<boolean> {
    const { complete } = await this.status(digest);
    if (complete) return true;
    const hash = createHash("sha256");
    for await (const chunk of this.chunks(digest)) hash.update(chunk);
    if (hash.digest("hex") !== digest) {
      await this.pool.query("DELETE FROM blob_heads WHERE digest = $1", [digest]);
      return false;
    }
    await this.pool.query("UPDATE blob_heads SET complete = true WHERE digest = $1", [digest]);
    return true;
  }

  /** Stores bytes the server made itself for its runs' jobs; their digest. They stay while used (collectUnused). */
  async put(data: Buffer): Promise<string> {
    const digest = digestOf(data);
    const have = await this.status(digest);
    if (!have.complete) {
      for (let at = have.size; at < data.length; at += ROW_BYTES * 8) await this.append(digest, at, data.subarray(at, at + ROW_BYTES * 8));
      if (!(await this.commit(digest))) throw new Error(`blob ${digest} did not store intact`);
    }
    await this.markRunUse(digest);
    return digest;
  }

  /** The bytes, row by row, without holding the blob in memory. */
  async *chunks(digest: string): AsyncGenerator<Buffer> {
    let next = 0;
    for (;;) {
      const r = await this.pool.query<{ at: number; data: Buffer }>("SELECT at, data FROM blob_chunks WHERE digest = $1 AND at >= $2 ORDER BY at LIMIT 1", [
        digest,
        next,
      ]);
      const row = r.rows[0];
      if (!row) return;
      yield row.data;
      next = row.at + row.data.length;
    }
  }

  async toFile(digest: string, path: string): Promise<void> {
    const out = createWriteStream(path);
    for await (const chunk of this.chunks(digest)) if (!out.write(chunk)) await once(out, "drain");
    out.end();
    await once(out, "close");
  }

  async toBuffer(digest: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const chunk of this.chunks(digest)) parts.push(chunk);
    return Buffer.concat(parts);
  }

  /** Marks a blob as one of the runs', used now: collectUnused drops it once unused for its grace (a blob agents sent, once read). */
  async markRunUse(digest: string): Promise<void> {
    await this.pool.query("UPDATE blob_heads SET for_runs = true, used_at = now() WHERE digest = $1", [digest]);
  }

  /**
   * Drops the blobs made for runs that no queued or leased job names and that no job was queued
   * with for `graceMs`. Runs share blobs of equal content, so a run that ends cannot drop its own:
   * another may be about to queue a job with them. Queueing marks a blob used under a row lock,
   * so a blob is never dropped under a job being queued; one dropped before is made again.
   */
  async collectUnused(graceMs: number): Promise<number> {
    const r = await this.pool.query(
      `DELETE FROM blob_heads b WHERE b.for_runs AND b.used_at < now() - $1 * interval '1 millisecond'
         AND NOT EXISTS (SELECT 1 FROM agent_jobs j WHERE j.status IN ('queued', 'leased') AND (j.source = b.digest OR j.artifacts = b.digest))
         AND NOT EXISTS (SELECT 1 FROM shared_caches c WHERE c.blob = b.digest)`,
      [graceMs],
    );
    return r.rowCount ?? 0;
  }
}
