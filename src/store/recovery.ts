// Runs left "in progress" by a tierci process that died (kill -9, a crash, a power cut). The
// owner is known by PID, process start time and host: a PID reused by another process does not
// keep a run alive, and a run of another host is left alone, since nothing here can tell.
import type Database from "better-sqlite3";
import { processState } from "../util/process-identity.js";

export function interruptedRunCloser(db: Database.Database) {
  const unfinished = db.prepare<[], { id: string; pid: number; startTime: number | null; host: string }>(
    "SELECT id, pid, pid_start AS startTime, host FROM runs WHERE status <> 'completed'",
  );
  // The run's real end is its last recorded sign of life: a log line, a step or job boundary.
  const lastActivity = db
    .prepare<{ run: string }, number>(
      `SELECT MAX(t) FROM (
         SELECT started_at AS t FROM runs WHERE id = @run
         UNION ALL SELECT MAX(COALESCE(finished_at, started_at)) FROM jobs WHERE run_id = @run
         UNION ALL SELECT MAX(COALESCE(s.finished_at, s.started_at)) FROM steps s JOIN jobs j ON s.job_row_id = j.id WHERE j.run_id = @run
         UNION ALL SELECT MAX(l.ts) FROM logs l JOIN jobs j ON l.job_row_id = j.id WHERE j.run_id = @run
       )`,
    )
    .pluck();
  const cancelSteps = db.prepare(
    `UPDATE steps SET status = 'completed', outcome = COALESCE(outcome, 'cancelled'), conclusion = 'cancelled',
       finished_at = COALESCE(finished_at, @at)
     WHERE status <> 'completed' AND job_row_id IN (SELECT id FROM jobs WHERE run_id = @run)`,
  );
  const cancelJobs = db.prepare(
    `UPDATE jobs SET status = 'completed', conclusion = 'cancelled', finished_at = COALESCE(finished_at, @at)
     WHERE status <> 'completed' AND run_id = @run`,
  );
  const cancelRun = db.prepare(
    `UPDATE runs SET status = 'completed', conclusion = 'cancelled', finished_at = @at, note = @note
     WHERE status <> 'completed' AND id = @run`,
  );

  /** Closes every run whose owner is dead, each in a transaction given by `write`. */
  return (write: (fn: () => void) => void): void => {
    for (const run of unfinished.all()) {
      if (processState(run) !== "dead") continue;
      write(() => {
        const at = lastActivity.get({ run: run.id }) ?? Date.now();
        cancelSteps.run({ run: run.id, at });
        cancelJobs.run({ run: run.id, at });
        cancelRun.run({ run: run.id, at, note: `interrupted: tierci process ${run.pid} on ${run.host} ended before the run finished` });
      });
    }
  };
}
