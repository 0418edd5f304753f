// Which database holds the runs: a postgres:// or postgresql:// URL selects Postgres (shared by
// several processes and machines); anything else is the path of a SQLite file, the zero-setup
// default for one machine.
import { openPostgresStore } from "./postgres-store.js";
import { isPostgresUrl } from "./postgres-url.js";
import { openSqliteStore } from "./sqlite-store.js";
import type { StoreOptions } from "./store-options.js";
import type { RunStore } from "./types.js";

/**
 * Opens the run store at `location`, migrates it, and closes out the runs whose tierci process
 * died before they ended (see recovery.ts).
 */
export function openStore(location: string, options: StoreOptions = {}): RunStore {
  return isPostgresUrl(location) ? openPostgresStore(location, options) : openSqliteStore(location, options);
}
