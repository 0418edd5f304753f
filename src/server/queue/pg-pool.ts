// The server's asynchronous Postgres connections, for what the synchronous run store cannot do:
// leasing jobs with FOR UPDATE SKIP LOCKED, waiting on LISTEN/NOTIFY, streaming blobs. A query waits
// for a free connection rather than failing while every run follows its jobs at once. Errors
// never show the URL's password.
import pg from "pg";
import { PostgresError, redactUrl, withoutPassword } from "../../store/index.js";

const INT8 = 20;
// Ids and byte counts are 64-bit columns far inside the 2^53 a number holds exactly.
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => (oid === INT8 ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
};

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export function openPool(url: string, max = 20): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, types, max, connectionTimeoutMillis: 60_000, application_name: "tierci-server" });
  // An idle connection that breaks is dropped by the pool; the next query opens another.
  pool.on("error", () => undefined);
  return pool;
}

export function newClient(url: string): pg.Client {
  return new pg.Client({ connectionString: url, types, connectionTimeoutMillis: 5000, application_name: "tierci-server" });
}

/** An error from the database, with the URL's password taken out and where it happened said. */
export function databaseError(err: unknown, url: string, doing: string): PostgresError {
  const message = withoutPassword(err instanceof Error ? err.message : String(err), url);
  const code = (err as { code?: unknown }).code;
  return new PostgresError(`${doing} on ${redactUrl(url)} failed: ${message}`, typeof code === "string" ? code : null);
}

/** Runs `work` in one transaction on a connection of the pool. */
export async function inTransaction<T>(pool: pg.Pool, work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    const result = await work(c);
    await c.query("COMMIT");
    return result;
  } catch (err) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}
