// Recovery and retention on Postgres, with the rules of recovery.ts and retention.ts: runs of a
// dead tierci process of this host are closed at their last recorded activity; pruning deletes
// finished runs (their jobs, steps, logs and reports go by foreign-key cascade) and then vacuums.
import { processState } from "../util/process-identity.js";
import type { PostgresBridge, Statement } from "./postgres-bridge.js";
import { POSTGRES_TABLES } from "./postgres-schema.js";
import { RUN_COLUMNS, toRun, type RunRow } from "./rows.js";
import type { PruneOptions, RunRecord } from "./types.js";

type Write = (statements: Statement[]) => void;

/** Closes every unfinished run whose owner is dead, each in its own transaction given by `write`. */
export function closeInterruptedPostgresRuns(db: PostgresBridge, write: Write): void {
  const unfinished = db.rows<{ id: string; pid: number; startTime: number | null; host: string }>(
    `SELECT id, pid, pid_start AS "startTime", host FROM runs WHERE status <> 'completed'`,
  );
  for (const run of unfinished) {
    if (processState(run) !== "dead") continue;
    // The run's real end is its last recorded sign of life: a log line, a step or job boundary.
    const [last] = db.rows<{ at: number | null }>(
      `SELECT GREATEST(
         (SELECT started_at FROM runs WHERE id = $1),
         (SELECT MAX(COALESCE(finished_at, started_at)) FROM jobs WHERE run_id = $1),
         (SELECT MAX(COALESCE(s.finished_at, s.started_at)) FROM steps s JOIN jobs j ON s.job_row_id = j.id WHERE j.run_id = $1),
         (SELECT MAX(l.ts) FROM logs l JOIN jobs j ON l.job_row_id = j.id WHERE j.run_id = $1)
       ) AS at`,
      [run.id],
    );
    const at = last?.at ?? Date.now();
    const note = `interrupted: tierci process ${run.pid} on ${run.host} ended before the run finished`;
    write([
      {
        sql: `UPDATE steps SET status = 'completed', outcome = COALESCE(outcome, 'cancelled'), conclusion = 'cancelled', finished_at = COALESCE(finished_at, $2)
              WHERE status <> 'completed' AND job_row_id IN (SELECT id FROM jobs WHERE run_id = $1)`,
        params: [run.id, at],
      },
      {
        sql: "UPDATE jobs SET status = 'completed', conclusion = 'cancelled', finished_at = COALESCE(finished_at, $2) WHERE status <> 'completed' AND run_id = $1",
        params: [run.id, at],
      },
      {
        sql: "UPDATE runs SET status = 'completed', conclusion = 'cancelled', finished_at = $2, note = $3 WHERE status <> 'completed' AND id = $1",
        params: [run.id, at, note],
      },
    ]);
  }
}

/** The runs the options select, oldest first; deleted unless dryRun. */
export function prunePostgresRuns(db: PostgresBridge, options: PruneOptions, write: Write): RunRecord[] {
  if (options.keep === undefined && options.startedBefore === undefined) return [];
  // Numbered newest first per repository, so "beyond the newest N" is rank > N.
  const runs = db
    .rows<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM (
         SELECT id, ROW_NUMBER() OVER (PARTITION BY repo_root ORDER BY id DESC) AS rank FROM runs
         WHERE ($1::text IS NULL OR repo_root = $1)
       ) ranked JOIN runs ON runs.id = ranked.id
       WHERE runs.status = 'completed'
         AND ($2::integer IS NULL OR ranked.rank > $2)
         AND ($3::bigint IS NULL OR runs.started_at < $3)
       ORDER BY runs.id`,
      [options.repoRoot ?? null, options.keep ?? null, options.startedBefore ?? null],
    )
    .map(toRun);
  if (options.dryRun !== true && runs.length > 0) {
    write([{ sql: "DELETE FROM runs WHERE id = ANY($1::text[])", params: [runs.map((r) => r.id)] }]);
    // Makes the deleted rows' space reusable and gives empty pages at the end of each table back
    // to the file system; autovacuum would get there too, later.
    db.run([{ sql: `VACUUM ${POSTGRES_TABLES.join(", ")}`, params: [] }], false);
  }
  return runs;
}
