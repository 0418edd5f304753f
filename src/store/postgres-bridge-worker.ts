// The thread that owns the Postgres connection for a PostgresBridge (postgres-bridge.ts). The
// store's callers are synchronous and `pg` is not: the calling thread posts a request and sleeps
// on a shared counter, this thread runs it on its own event loop, posts the answer and wakes it.
import { workerData, type MessagePort } from "node:worker_threads";
import pg from "pg";
import type { BridgeAnswer, BridgeRequest, BridgeSettings, StatementResult } from "./postgres-bridge-protocol.js";

const { url, port, signal, settings } = workerData as { url: string; port: MessagePort; signal: Int32Array; settings: BridgeSettings };

const INT8 = 20;
// Ids and times in milliseconds are 64-bit columns, far inside the 2^53 a number holds exactly.
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => (oid === INT8 ? Number : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser,
};

const client = new pg.Client({ connectionString: url, types, connectionTimeoutMillis: settings.connectTimeoutMs, application_name: "tierci" });
/** Set when the connection broke between requests; every later request fails with it. */
let broken: Error | undefined;
client.on("error", (err) => {
  broken = err;
});

function answer(message: BridgeAnswer): void {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

function failure(err: unknown): { message: string; code: string | null } {
  const e = err as { message?: unknown; code?: unknown };
  return { message: String(e.message ?? err), code: typeof e.code === "string" ? e.code : null };
}

async function execute(request: BridgeRequest): Promise<StatementResult[]> {
  if (request.kind === "open") {
    await client.connect();
    // Waiting for a lock is bounded as SQLite's busy timeout bounds it.
    await client.query(`SET lock_timeout = ${Math.max(1, Math.round(settings.lockTimeoutMs))}`);
    return [];
  }
  if (request.kind === "close") {
    await client.end();
    return [];
  }
  if (broken !== undefined) throw broken;
  const results: StatementResult[] = [];
  if (!request.transaction) {
    for (const s of request.statements) results.push(await run(s.sql, s.params));
    return results;
  }
  await client.query("BEGIN");
  try {
    for (const s of request.statements) results.push(await run(s.sql, s.params));
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
  return results;
}

/** Postgres text cannot hold NUL, which a program's output can: it is stored as U+FFFD, as an undecodable byte is. */
function storable(value: unknown): unknown {
  if (typeof value === "string") return value.includes("\0") ? value.replaceAll("\0", "\uFFFD") : value;
  return Array.isArray(value) ? value.map(storable) : value;
}

async function run(sql: string, params: readonly unknown[]): Promise<StatementResult> {
  const result = await client.query({ text: sql, values: params.map(storable) });
  return { rows: result.rows as Record<string, unknown>[], rowCount: result.rowCount ?? 0 };
}

// Requests come one at a time: the caller sleeps until each is answered.
port.on("message", (request: BridgeRequest) => {
  execute(request).then(
    (results) => {
      answer({ id: request.id, ok: true, results });
      if (request.kind === "close") port.close();
    },
    (err: unknown) => answer({ id: request.id, ok: false, error: failure(err) }),
  );
});
