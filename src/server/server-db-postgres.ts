// The server's records on Postgres, for several replicas on one database: the same records and
// answers as the SQLite ones (server-db.ts), with what replicas need to agree on held by the
// database: run numbers from a counter row, a delivery id and a schedule minute unique keys.
import { PostgresBridge, type Statement } from "../store/postgres-bridge.js";
import { newRunId } from "../store/run-id.js";
import {
  fromRow,
  type NewServerRun,
  type Row,
  type RunQuery,
  type ServerConclusion,
  type ServerDb,
  type ServerRun,
  type ServerRunStatus,
} from "./server-db.js";

const MIGRATIONS = [
  `CREATE TABLE server_runs (
    id TEXT PRIMARY KEY,
    number BIGINT NOT NULL,
    repo TEXT NOT NULL,
    event TEXT NOT NULL,
    ref TEXT,
    sha TEXT,
    status TEXT NOT NULL,
    conclusion TEXT,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    request TEXT NOT NULL,
    pipeline_run_id TEXT,
    workflow_files TEXT NOT NULL DEFAULT '[]',
    summary TEXT,
    note TEXT,
    kept TEXT,
    UNIQUE (repo, number)
  );
  CREATE INDEX server_runs_status ON server_runs (status, id);
  CREATE TABLE server_run_numbers (repo TEXT PRIMARY KEY, last BIGINT NOT NULL);
  CREATE TABLE deliveries (id TEXT PRIMARY KEY, repo TEXT NOT NULL, event TEXT NOT NULL, run_ids TEXT NOT NULL, received_at BIGINT NOT NULL);
  CREATE TABLE schedule_fires (repo TEXT NOT NULL, workflow TEXT NOT NULL, cron TEXT NOT NULL, minute BIGINT NOT NULL, PRIMARY KEY (repo, workflow, cron, minute));
  CREATE TABLE cancel_requests (run_id TEXT PRIMARY KEY, reason TEXT NOT NULL);`,
];

const COLUMNS = `id, number, repo, event, ref, sha, status, conclusion, created_at AS "createdAt", started_at AS "startedAt",
  finished_at AS "finishedAt", request, pipeline_run_id AS "pipelineRunId", workflow_files AS "workflowFiles", summary, note`;

const BRIDGE = { connectTimeoutMs: 5000, lockTimeoutMs: 10_000, answerTimeoutMs: 60_000 };

function st(sql: string, params: readonly unknown[] = []): Statement {
  return { sql, params };
}

export class PostgresServerDb implements ServerDb {
  private readonly db: PostgresBridge;

  constructor(url: string) {
    this.db = new PostgresBridge(url, BRIDGE);
    try {
      this.migrate();
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  private migrate(): void {
    this.db.run([st("BEGIN"), st("SELECT pg_advisory_xact_lock(hashtext('tierci server ' || current_schema()))")], false);
    try {
      this.db.run([st("CREATE TABLE IF NOT EXISTS server_migrations (version INTEGER PRIMARY KEY)")], false);
      const current = this.db.rows<{ v: number | null }>("SELECT MAX(version) AS v FROM server_migrations")[0]?.v ?? 0;
      this.db.run(
        MIGRATIONS.slice(current).flatMap((sql, i) => [st(sql), st("INSERT INTO server_migrations (version) VALUES ($1)", [current + i + 1])]),
        false,
      );
      this.db.run([st("COMMIT")], false);
    } catch (err) {
      this.db.run([st("ROLLBACK")], false);
      throw err;
    }
  }

  private one(sql: string, params: readonly unknown[] = []): Row | undefined {
    return this.db.rows<Row>(sql, params)[0];
  }

  keptOf(id: string): Map<string, Record<string, string>> {
    const row = this.db.rows<{ kept: string | null }>("SELECT kept FROM server_runs WHERE id = $1", [id])[0];
    return new Map(Object.entries(row?.kept ? (JSON.parse(row.kept) as Record<string, Record<string, string>>) : {}));
  }

  keep(id: string, jobs: Record<string, Record<string, string>>): void {
    this.db.run([st("UPDATE server_runs SET kept = $1 WHERE id = $2", [JSON.stringify(jobs), id])], false);
  }

  close(): void {
    this.db.close();
  }

  ping(): boolean {
    return this.db.rows("SELECT 1 AS one").length === 1;
  }

  /** The statements that insert a run with the repository's next number, taken from its counter row. */
  private insertRun(run: NewServerRun, now: number, id: string): Statement[] {
    return [
      st("INSERT INTO server_run_numbers (repo, last) VALUES ($1, 1) ON CONFLICT (repo) DO UPDATE SET last = server_run_numbers.last + 1", [run.repo]),
      st(
        `INSERT INTO server_runs (id, number, repo, event, ref, sha, status, created_at, request)
         SELECT $1, last, $2, $3, $4, $5, 'queued', $6, $7 FROM server_run_numbers WHERE repo = $2`,
        [id, run.repo, run.event, run.ref ?? null, run.sha ?? null, now, JSON.stringify(run.request)],
      ),
    ];
  }

  queueRun(run: NewServerRun, now = Date.now()): ServerRun {
    const id = newRunId(now);
    this.db.run(this.insertRun(run, now, id), true);
    return this.getRun(id) as ServerRun;
  }

  acceptDelivery(delivery: { id: string; repo: string; event: string }, runs: NewServerRun[], now = Date.now()): { duplicate: boolean; runIds: string[] } {
    const ids = runs.map((_, i) => newRunId(now + i));
    // The delivery row goes first: a replica that receives the same delivery at the same moment waits
    // on its key, then finds it taken and inserts nothing.
    const [claimed] = this.db.run(
      [
        st("INSERT INTO deliveries (id, repo, event, run_ids, received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING", [
          delivery.id,
          delivery.repo,
          delivery.event,
          JSON.stringify(ids),
          now,
        ]),
      ],
      false,
    );
    if (claimed?.rowCount !== 1) {
      const seen = this.db.rows<{ runIds: string }>('SELECT run_ids AS "runIds" FROM deliveries WHERE id = $1', [delivery.id])[0];
      return { duplicate: true, runIds: seen ? (JSON.parse(seen.runIds) as string[]) : [] };
    }
    try {
      this.db.run(
        runs.flatMap((r, i) => this.insertRun(r, now, ids[i] as string)),
        true,
      );
    } catch (err) {
      // Without its runs the delivery was not accepted: GitHub's redelivery must be able to queue them.
      this.db.run([st("DELETE FROM deliveries WHERE id = $1", [delivery.id])], false);
      throw err;
    }
    return { duplicate: false, runIds: ids };
  }

  requestCancel(id: string, reason: string): void {
    this.db.run(
      [st("INSERT INTO cancel_requests (run_id, reason) VALUES ($1, $2) ON CONFLICT (run_id) DO UPDATE SET reason = EXCLUDED.reason", [id, reason])],
      false,
    );
  }

  cancelRequests(): { id: string; reason: string }[] {
    this.db.run([st("DELETE FROM cancel_requests WHERE run_id IN (SELECT id FROM server_runs WHERE status = 'completed')")], false);
    return this.db.rows<{ id: string; reason: string }>("SELECT run_id AS id, reason FROM cancel_requests ORDER BY run_id");
  }

  claimScheduleFire(repo: string, workflow: string, cron: string, minute: number): boolean {
    const [r] = this.db.run(
      [st("INSERT INTO schedule_fires (repo, workflow, cron, minute) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", [repo, workflow, cron, minute])],
      false,
    );
    return r?.rowCount === 1;
  }

  getRun(id: string): ServerRun | undefined {
    const row = this.one(`SELECT ${COLUMNS} FROM server_runs WHERE id = $1`, [id]);
    return row ? fromRow(row) : undefined;
  }

  listRuns(q: RunQuery): ServerRun[] {
    const filters: [string, string | undefined][] = [
      ["repo = ?", q.repo],
      ["event = ?", q.event],
      ["status = ?", q.status],
      ["ref = ?", q.branch === undefined ? undefined : `refs/heads/${q.branch}`],
      ["conclusion = ?", q.conclusion],
      ["workflow_files::jsonb ? ?", q.workflow],
      ["id < ?", q.before],
    ];
    const used = filters.filter((f): f is [string, string] => f[1] !== undefined);
    let n = 0;
    // Only the last `?` of each filter is its parameter (the jsonb operator is a `?` too).
    const where = used.map((f) => f[0].replace(/\?$/, () => `$${++n}`));
    const sql = `SELECT ${COLUMNS} FROM server_runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT $${++n}`;
    return this.db.rows<Row>(sql, [...used.map((f) => f[1]), q.limit]).map(fromRow);
  }

  runsWithStatus(status: ServerRunStatus, limit = -1): ServerRun[] {
    const rows = this.db.rows<Row>(
      `SELECT ${COLUMNS} FROM server_runs WHERE status = $1 ORDER BY id ${limit >= 0 ? "LIMIT $2" : ""}`,
      limit >= 0 ? [status, limit] : [status],
    );
    return rows.map(fromRow);
  }

  countByStatus(): Record<ServerRunStatus, number> {
    const counts: Record<ServerRunStatus, number> = { queued: 0, in_progress: 0, completed: 0 };
    for (const r of this.db.rows<{ status: ServerRunStatus; n: number }>("SELECT status, COUNT(*)::integer AS n FROM server_runs GROUP BY status"))
      counts[r.status] = r.n;
    return counts;
  }

  resolveRun(id: string, at: { ref: string; sha: string }): void {
    this.db.run([st("UPDATE server_runs SET ref = $1, sha = $2 WHERE id = $3", [at.ref, at.sha, id])], false);
  }

  startRun(id: string, pipelineRunId: string, workflowFiles: string[], now = Date.now()): void {
    this.db.run(
      [
        st("UPDATE server_runs SET status = 'in_progress', started_at = $1, pipeline_run_id = $2, workflow_files = $3 WHERE id = $4", [
          now,
          pipelineRunId,
          JSON.stringify(workflowFiles),
          id,
        ]),
      ],
      false,
    );
  }

  requeueRun(id: string): void {
    this.db.run([st("UPDATE server_runs SET status = 'queued', started_at = NULL, pipeline_run_id = NULL WHERE id = $1", [id])], false);
  }

  finishRun(id: string, result: { conclusion: ServerConclusion; summary?: unknown; note?: string }, now = Date.now()): void {
    this.db.run(
      [
        st(
          "UPDATE server_runs SET status = 'completed', conclusion = $1, finished_at = $2, started_at = COALESCE(started_at, $2), summary = $3, note = $4 WHERE id = $5",
          [result.conclusion, now, result.summary === undefined ? null : JSON.stringify(result.summary), result.note ?? null, id],
        ),
      ],
      false,
    );
  }

  previousConclusion(repo: string, ref: string, workflowFile: string, beforeId: string): ServerConclusion | undefined {
    const rows = this.db.rows<{ conclusion: ServerConclusion; files: string }>(
      "SELECT conclusion, workflow_files AS files FROM server_runs WHERE repo = $1 AND ref = $2 AND status = 'completed' AND id < $3 ORDER BY id DESC LIMIT 50",
      [repo, ref, beforeId],
    );
    return rows.find((r) => (JSON.parse(r.files) as string[]).includes(workflowFile))?.conclusion;
  }
}
