// Persistence of runs: the RunStore interface and its SQLite implementation.
export * from "./types.js";
export { defaultStorePath, openStore, type StoreOptions } from "./sqlite-store.js";
