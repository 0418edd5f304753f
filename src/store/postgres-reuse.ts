// The store's side of result reuse on Postgres: job-reuse.ts's statements in Postgres's dialect.
// Each write is one commit, after the buffered log lines, as PostgresWrites' are.
import type { PostgresBridge, Statement } from "./postgres-bridge.js";
import type { Commit } from "./postgres-writes.js";
import { StoreError, type ReusableJob } from "./types.js";

const sql = (text: string, ...params: unknown[]): Statement => ({ sql: text, params });

export class PostgresJobReuse {
  constructor(
    private readonly db: PostgresBridge,
    private readonly commit: Commit,
  ) {}

  setJobOutputs(jobRowId: number, outputs: Readonly<Record<string, string>>): void {
    const [done] = this.commit([sql("UPDATE jobs SET outputs_json = $2 WHERE id = $1", jobRowId, JSON.stringify(outputs))]);
    if ((done?.rowCount ?? 0) === 0) throw new StoreError(`job row ${jobRowId} is not in the run store`, "not-found");
  }

  findReusableJob(repoRoot: string, inputKey: string): ReusableJob | undefined {
    const [row] = this.db.rows<{
      jobRowId: number;
      originJobRowId: number;
      runId: string;
      runNumber: number;
      originNumber: number | null;
      outputs: string | null;
    }>(
      `SELECT j.id AS "jobRowId", COALESCE(j.reused_from, j.id) AS "originJobRowId", j.run_id AS "runId", r.number AS "runNumber",
              o.number AS "originNumber", j.outputs_json AS outputs
       FROM jobs j JOIN runs r ON r.id = j.run_id
         LEFT JOIN jobs oj ON oj.id = j.reused_from LEFT JOIN runs o ON o.id = oj.run_id
       WHERE j.input_key = $2 AND r.repo_root = $1 AND j.status = 'completed' AND j.conclusion = 'success'
       ORDER BY j.id DESC LIMIT 1`,
      [repoRoot, inputKey],
    );
    if (row === undefined) return undefined;
    return {
      jobRowId: Number(row.jobRowId),
      originJobRowId: Number(row.originJobRowId),
      runId: row.runId,
      runNumber: Number(row.originNumber ?? row.runNumber),
      outputs: row.outputs === null ? {} : (JSON.parse(row.outputs) as Record<string, string>),
    };
  }

  carryJobResults(fromJobRowId: number, toJobRowId: number): void {
    const known = this.db.rows<{ id: number }>("SELECT id FROM jobs WHERE id = ANY($1::bigint[])", [[fromJobRowId, toJobRowId]]).map((r) => Number(r.id));
    for (const id of [toJobRowId, fromJobRowId]) if (!known.includes(id)) throw new StoreError(`job row ${id} is not in the run store`, "not-found");
    this.commit([
      sql(
        `INSERT INTO annotations (run_id, job_row_id, step_index, level, message, title, file, line, col, end_line, end_col)
         SELECT (SELECT run_id FROM jobs WHERE id = $2), $2, step_index, level, message, title, file, line, col, end_line, end_col
         FROM annotations WHERE job_row_id = $1 ORDER BY id`,
        fromJobRowId,
        toJobRowId,
      ),
      sql(
        `INSERT INTO test_results (job_row_id, suite, classname, name, file, line, status, duration_ms, message, attempts, retry_statuses)
         SELECT $2, suite, classname, name, file, line, status, duration_ms, message, attempts, retry_statuses FROM test_results WHERE job_row_id = $1 ORDER BY id`,
        fromJobRowId,
        toJobRowId,
      ),
      sql(
        `INSERT INTO coverage_files (job_row_id, format, path, lines_valid, lines_covered, branches_valid, branches_covered, covered_lines, uncovered_lines)
         SELECT $2, format, path, lines_valid, lines_covered, branches_valid, branches_covered, covered_lines, uncovered_lines
         FROM coverage_files WHERE job_row_id = $1 ORDER BY id`,
        fromJobRowId,
        toJobRowId,
      ),
    ]);
  }
}
