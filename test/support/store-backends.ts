// The run store's tests run once per database behind it: SQLite always, Postgres when a server
// answers at TIERCI_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test). Each
// Postgres test gets a schema of its own, dropped when its file's tests are done (one that asks
// for a database of its own gets one, so the role needs CREATEDB). Without a server the Postgres
// tests skip with one line saying why, unless TIERCI_REQUIRE_POSTGRES=1 (as CI sets it), which
// makes them fail instead.
import { mkdtempSync, realpathSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test, type TestContext } from "node:test";
import Database from "better-sqlite3";
import { PostgresBridge } from "../../src/store/postgres-bridge.js";
import { redactUrl } from "../../src/store/postgres-url.js";

export const TEST_POSTGRES_URL = process.env.TIERCI_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

export interface StoreBackend {
  name: "sqlite" | "postgres";
  /** A new, empty store location (a file path or a URL), removed after the test's file. */
  location(t: TestContext): string;
  /**
   * Like location, in a database no other test uses. For what other sessions change: Postgres's
   * VACUUM cannot free rows that an open transaction in the same database may still see, and the
   * suite's other files keep transactions open in the shared one.
   */
  isolatedLocation(t: TestContext): string;
  /** Runs SQL on the store's database directly, as another program would; `?` marks a parameter. */
  sql(location: string, text: string, params?: readonly unknown[]): Record<string, unknown>[];
  /** The bytes the store's tables take. */
  size(location: string): number;
  /** Holds the lock that writes to the logs need, as another process might, until the returned function is called. */
  lockWrites(location: string): () => void;
}

const sqlite: StoreBackend = {
  name: "sqlite",
  location(t) {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "tierci-store-")));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return join(dir, "tierci.db");
  },
  isolatedLocation(t) {
    return this.location(t);
  },
  sql(location, text, params = []) {
    const db = new Database(location);
    try {
      const statement = db.prepare(text);
      if (statement.reader) return statement.all(...params) as Record<string, unknown>[];
      statement.run(...params);
      return [];
    } finally {
      db.close();
    }
  },
  size(location) {
    return statSync(location).size + (statSync(`${location}-wal`, { throwIfNoEntry: false })?.size ?? 0);
  },
  lockWrites(location) {
    const db = new Database(location);
    db.exec("BEGIN IMMEDIATE");
    return () => {
      db.exec("COMMIT");
      db.close();
    };
  },
};

const BRIDGE = { connectTimeoutMs: 3000, lockTimeoutMs: 10_000, answerTimeoutMs: 60_000 };

function inSchema(schema: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return url.toString();
}

function inDatabase(database: string): string {
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

function postgres(admin: PostgresBridge): StoreBackend {
  const schemas: string[] = [];
  const databases: string[] = [];
  after(() => {
    try {
      for (const schema of schemas) admin.run([{ sql: `DROP SCHEMA IF EXISTS ${schema} CASCADE`, params: [] }], false);
      for (const database of databases) admin.run([{ sql: `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`, params: [] }], false);
    } finally {
      admin.close();
    }
  });
  let made = 0;
  // Unique across the suite's processes and runs, which share the server.
  const freshName = (): string => `tierci_test_${process.pid}_${++made}_${Math.random().toString(36).slice(2, 8)}`;
  return {
    name: "postgres",
    location() {
      const schema = freshName();
      admin.run([{ sql: `CREATE SCHEMA ${schema}`, params: [] }], false);
      schemas.push(schema);
      return inSchema(schema);
    },
    isolatedLocation() {
      const database = freshName();
      // From template0, which takes no connections: a file copy of template1 (the only way before
      // Postgres 15) fails while another session is connected to it.
      admin.run([{ sql: `CREATE DATABASE ${database} TEMPLATE template0`, params: [] }], false);
      databases.push(database);
      return inDatabase(database);
    },
    sql(location, text, params = []) {
      const db = new PostgresBridge(location, BRIDGE);
      try {
        let n = 0;
        return db.rows(
          text.replace(/\?/g, () => `$${++n}`),
          params,
        );
      } finally {
        db.close();
      }
    },
    size(location) {
      const [row] = this.sql(
        location,
        "SELECT SUM(pg_total_relation_size(c.oid))::bigint AS size FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'",
      );
      return Number(row?.size ?? 0);
    },
    lockWrites(location) {
      const db = new PostgresBridge(location, BRIDGE);
      db.run([{ sql: "BEGIN", params: [] }], false);
      db.run([{ sql: "LOCK TABLE logs IN EXCLUSIVE MODE", params: [] }], false);
      return () => {
        db.run([{ sql: "COMMIT", params: [] }], false);
        db.close();
      };
    },
  };
}

/** The Postgres admin connection, or why there is none. */
function connect(): PostgresBridge | string {
  try {
    return new PostgresBridge(TEST_POSTGRES_URL, BRIDGE);
  } catch (err) {
    return `no Postgres at ${redactUrl(TEST_POSTGRES_URL)} (${(err as Error).message}); set TIERCI_TEST_POSTGRES_URL to test the Postgres store`;
  }
}

/** Defines the tests `define` gives, in one suite per backend named after it. */
export function forEachBackend(define: (backend: StoreBackend) => void): void {
  describe("sqlite", () => define(sqlite));
  onPostgres(define);
}

/** Defines the tests `define` gives in a suite named postgres, or one test that skips (or fails, when required) without a server. */
export function onPostgres(define: (backend: StoreBackend) => void): void {
  const admin = connect();
  if (typeof admin !== "string") {
    describe("postgres", () => define(postgres(admin)));
  } else if (process.env.TIERCI_REQUIRE_POSTGRES === "1") {
    test("postgres", () => {
      throw new Error(`${admin}; TIERCI_REQUIRE_POSTGRES=1 requires it`);
    });
  } else {
    test("postgres", { skip: admin }, () => undefined);
  }
}
