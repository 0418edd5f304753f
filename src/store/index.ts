// Persistence of runs: the RunStore interface and its SQLite and Postgres implementations.
export * from "./types.js";
export { openStore } from "./open-store.js";
export { PostgresError } from "./postgres-bridge.js";
export { isPostgresUrl, redactUrl, withoutPassword } from "./postgres-url.js";
export { defaultStorePath } from "./sqlite-store.js";
export { DEFAULT_LOG_BYTES_PER_JOB, type StoreOptions } from "./store-options.js";
