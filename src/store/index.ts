// Persistence of runs: the RunStore interface and its SQLite implementation.
export * from "./types.js";
export { DEFAULT_LOG_BYTES_PER_JOB, defaultStorePath, openStore, type StoreOptions } from "./sqlite-store.js";
