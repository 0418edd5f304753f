// Retention: which runs to delete so that the database does not grow without bound, and the
// deletion itself (the run's jobs, steps, logs, annotations, tests and coverage go with it by
// foreign-key cascade). Runs still in progress are never deleted.
import type Database from "better-sqlite3";
import { RUN_COLUMNS, toRun, type RunRow } from "./rows.js";
import type { PruneOptions, RunRecord } from "./types.js";

export function runPruner(db: Database.Database) {
  // Numbered newest first per repository, so "beyond the newest N" is rank > N.
  const candidates = db.prepare<{ repo: string | null; keep: number | null; before: number | null }, RunRow>(
    `SELECT ${RUN_COLUMNS} FROM (
       SELECT id, ROW_NUMBER() OVER (PARTITION BY repo_root ORDER BY id DESC) AS rank FROM runs
       WHERE (@repo IS NULL OR repo_root = @repo)
     ) ranked JOIN runs ON runs.id = ranked.id
     WHERE runs.status = 'completed'
       AND (@keep IS NULL OR ranked.rank > @keep)
       AND (@before IS NULL OR runs.started_at < @before)
     ORDER BY runs.id`,
  );
  const remove = db.prepare<[string]>("DELETE FROM runs WHERE id = ?");

  /** The runs the options select, oldest first; deleted unless dryRun. */
  return (options: PruneOptions, write: (fn: () => void) => void): RunRecord[] => {
    if (options.keep === undefined && options.startedBefore === undefined) return [];
    const runs = candidates.all({ repo: options.repoRoot ?? null, keep: options.keep ?? null, before: options.startedBefore ?? null }).map(toRun);
    if (options.dryRun !== true && runs.length > 0) {
      write(() => {
        for (const run of runs) remove.run(run.id);
      });
      // Gives the freed pages back to the file system. In WAL mode VACUUM writes the compacted
      // pages to the log; the checkpoint moves them into the database file and empties the log.
      db.exec("VACUUM");
      db.pragma("wal_checkpoint(TRUNCATE)");
    }
    return runs;
  };
}
