// The store's side of result reuse: a job's outputs kept for later, the latest success with a
// given input key, and a reused job's copy of what the original recorded. Each method runs inside
// the transaction SqliteRunStore opens for it.
import type Database from "better-sqlite3";
import { StoreError, type ReusableJob } from "./types.js";

function statements(db: Database.Database) {
  return {
    setOutputs: db.prepare("UPDATE jobs SET outputs_json = ? WHERE id = ?"),
    // The origin is preferred: "reused from run #N" names the run that proved the inputs green.
    findReusable: db.prepare<
      { repo: string; key: string },
      { jobRowId: number; originJobRowId: number; runId: string; runNumber: number; originNumber: number | null; outputs: string | null }
    >(
      `SELECT j.id AS jobRowId, COALESCE(j.reused_from, j.id) AS originJobRowId, j.run_id AS runId, r.number AS runNumber, o.number AS originNumber,
              j.outputs_json AS outputs
       FROM jobs j JOIN runs r ON r.id = j.run_id
         LEFT JOIN jobs oj ON oj.id = j.reused_from LEFT JOIN runs o ON o.id = oj.run_id
       WHERE j.input_key = @key AND r.repo_root = @repo AND j.status = 'completed' AND j.conclusion = 'success'
       ORDER BY j.id DESC LIMIT 1`,
    ),
    runOfJob: db.prepare<[number], string>("SELECT run_id FROM jobs WHERE id = ?").pluck(),
    carryAnnotations: db.prepare(
      `INSERT INTO annotations (run_id, job_row_id, step_index, level, message, title, file, line, col, end_line, end_col)
       SELECT @run, @to, step_index, level, message, title, file, line, col, end_line, end_col FROM annotations WHERE job_row_id = @from ORDER BY id`,
    ),
    carryTests: db.prepare(
      `INSERT INTO test_results (job_row_id, suite, classname, name, file, line, status, duration_ms, message, attempts, retry_statuses)
       SELECT @to, suite, classname, name, file, line, status, duration_ms, message, attempts, retry_statuses FROM test_results WHERE job_row_id = @from ORDER BY id`,
    ),
    carryCoverage: db.prepare(
      `INSERT INTO coverage_files (job_row_id, format, path, lines_valid, lines_covered, branches_valid, branches_covered, covered_lines, uncovered_lines)
       SELECT @to, format, path, lines_valid, lines_covered, branches_valid, branches_covered, covered_lines, uncovered_lines
       FROM coverage_files WHERE job_row_id = @from ORDER BY id`,
    ),
  };
}

export class JobReuse {
  private readonly sql: ReturnType<typeof statements>;

  constructor(db: Database.Database) {
    this.sql = statements(db);
  }

  setJobOutputs(jobRowId: number, outputs: Readonly<Record<string, string>>): void {
    if (this.sql.setOutputs.run(JSON.stringify(outputs), jobRowId).changes === 0)
      throw new StoreError(`job row ${jobRowId} is not in the run store`, "not-found");
  }

  findReusableJob(repoRoot: string, inputKey: string): ReusableJob | undefined {
    const row = this.sql.findReusable.get({ repo: repoRoot, key: inputKey });
    if (row === undefined) return undefined;
    return {
      jobRowId: row.jobRowId,
      originJobRowId: row.originJobRowId,
      runId: row.runId,
      runNumber: row.originNumber ?? row.runNumber,
      outputs: row.outputs === null ? {} : (JSON.parse(row.outputs) as Record<string, string>),
    };
  }

  carryJobResults(fromJobRowId: number, toJobRowId: number): void {
    const run = this.sql.runOfJob.get(toJobRowId);
    if (run === undefined || this.sql.runOfJob.get(fromJobRowId) === undefined) {
      throw new StoreError(`job row ${run === undefined ? toJobRowId : fromJobRowId} is not in the run store`, "not-found");
    }
    const ids = { run, from: fromJobRowId, to: toJobRowId };
    this.sql.carryAnnotations.run(ids);
    this.sql.carryTests.run({ from: fromJobRowId, to: toJobRowId });
    this.sql.carryCoverage.run({ from: fromJobRowId, to: toJobRowId });
  }
}
