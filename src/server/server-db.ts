// The server's own records, beside the run store: the runs it accepted (queued before anything
// runs, so an acknowledged delivery survives a crash), the deliveries it has seen (GitHub
// redelivers), and the schedule minutes that already fired (once each, across restarts).
import type { Conclusion } from "../formats/conclusion.js";
import Database from "better-sqlite3";
import { newRunId } from "../store/run-id.js";

export type ServerRunStatus = "queued" | "in_progress" | "completed";
export type ServerConclusion = Conclusion;

/** What a run was asked to do: enough to start it again after a restart, or to run it again. */
export type RunRequest =
  | { kind: "webhook"; event: string; payload: Record<string, unknown> }
  | { kind: "dispatch"; workflow: string; ref: string; inputs: Record<string, string>; actor: string }
  | { kind: "schedule"; workflow: string; cron: string; branch: string }
  | { kind: "rerun"; of: string; failedOnly: boolean; actor: string };

export interface ServerRun {
  id: string;
  number: number;
  repo: string;
  event: string;
  ref: string | null;
  sha: string | null;
  status: ServerRunStatus;
  conclusion: ServerConclusion | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  request: RunRequest;
  /** The run in the run store (jobs, logs), once the pipeline recorded it. */
  pipelineRunId: string | null;
  workflowFiles: string[];
  summary: unknown;
  /** Why the server, not the jobs, decided the outcome. */
  note: string | null;
}

export interface NewServerRun {
  repo: string;
  event: string;
  ref?: string | null;
  sha?: string | null;
  request: RunRequest;
}

export interface RunQuery {
  repo?: string;
  branch?: string;
  event?: string;
  status?: ServerRunStatus;
  conclusion?: ServerConclusion;
  /** A workflow file the run ran, e.g. `ci.yml`. */
  workflow?: string;
  /** Keyset pagination: only runs older than this run id. */
  before?: string;
  limit: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS server_runs (
  id TEXT PRIMARY KEY,
  number INTEGER NOT NULL,
  repo TEXT NOT NULL,
  event TEXT NOT NULL,
  ref TEXT,
  sha TEXT,
  status TEXT NOT NULL,
  conclusion TEXT,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  request TEXT NOT NULL,
  pipeline_run_id TEXT,
  workflow_files TEXT NOT NULL DEFAULT '[]',
  summary TEXT,
  note TEXT,
  kept TEXT,
  UNIQUE (repo, number)
);
CREATE INDEX IF NOT EXISTS server_runs_status ON server_runs (status, id);
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY,
  repo TEXT NOT NULL,
  event TEXT NOT NULL,
  run_ids TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS cancel_requests (
  run_id TEXT PRIMARY KEY,
  reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS schedule_fires (
  repo TEXT NOT NULL,
  workflow TEXT NOT NULL,
  cron TEXT NOT NULL,
  minute INTEGER NOT NULL,
  PRIMARY KEY (repo, workflow, cron, minute)
);
`;

const COLUMNS = `id, number, repo, event, ref, sha, status, conclusion, created_at AS createdAt,
  started_at AS startedAt, finished_at AS finishedAt, request, pipeline_run_id AS pipelineRunId,
  workflow_files AS workflowFiles, summary, note`;

export type Row = Omit<ServerRun, "request" | "workflowFiles" | "summary"> & { request: string; workflowFiles: string; summary: string | null };

export function fromRow(row: Row): ServerRun {
  return {
    ...row,
    request: JSON.parse(row.request) as RunRequest,
    workflowFiles: JSON.parse(row.workflowFiles) as string[],
    summary: row.summary === null ? null : (JSON.parse(row.summary) as unknown),
  };
}

/** The server's records, on SQLite (one machine) or on Postgres (several replicas share them). */
export interface ServerDb {
  keptOf(id: string): Map<string, Record<string, string>>;
  keep(id: string, jobs: Record<string, Record<string, string>>): void;
  close(): void;
  ping(): boolean;
  queueRun(run: NewServerRun, now?: number): ServerRun;
  acceptDelivery(delivery: { id: string; repo: string; event: string }, runs: NewServerRun[], now?: number): { duplicate: boolean; runIds: string[] };
  requestCancel(id: string, reason: string): void;
  cancelRequests(): { id: string; reason: string }[];
  claimScheduleFire(repo: string, workflow: string, cron: string, minute: number): boolean;
  getRun(id: string): ServerRun | undefined;
  listRuns(q: RunQuery): ServerRun[];
  runsWithStatus(status: ServerRunStatus, limit?: number): ServerRun[];
  countByStatus(): Record<ServerRunStatus, number>;
  resolveRun(id: string, at: { ref: string; sha: string }): void;
  startRun(id: string, pipelineRunId: string, workflowFiles: string[], now?: number): void;
  requeueRun(id: string): void;
  finishRun(id: string, result: { conclusion: ServerConclusion; summary?: unknown; note?: string }, now?: number): void;
  previousConclusion(repo: string, ref: string, workflowFile: string, beforeId: string): ServerConclusion | undefined;
}

export class SqliteServerDb implements ServerDb {
  readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    this.db.exec(SCHEMA);
    const columns = this.db.prepare("SELECT name FROM pragma_table_info('server_runs')").all() as { name: string }[];
    if (!columns.some((c) => c.name === "kept")) this.db.exec("ALTER TABLE server_runs ADD COLUMN kept TEXT");
  }

  /** The successful jobs of a finished run and their outputs, by jobKey: what a re-run of its failed jobs keeps. */
  keptOf(id: string): Map<string, Record<string, string>> {
    const row = this.db.prepare("SELECT kept FROM server_runs WHERE id = ?").get(id) as { kept: string | null } | undefined;
    return new Map(Object.entries(row?.kept ? (JSON.parse(row.kept) as Record<string, Record<string, string>>) : {}));
  }

  keep(id: string, jobs: Record<string, Record<string, string>>): void {
    this.db.prepare("UPDATE server_runs SET kept = ? WHERE id = ?").run(JSON.stringify(jobs), id);
  }

  close(): void {
    this.db.close();
  }

  /** Answers a trivial query: what /healthz asks. */
  ping(): boolean {
    return this.db.prepare("SELECT 1 AS one").get() !== undefined;
  }

  private insertRun(run: NewServerRun, now: number): ServerRun {
    const next = this.db.prepare("SELECT COALESCE(MAX(number), 0) + 1 AS n FROM server_runs WHERE repo = ?").get(run.repo) as { n: number };
    const id = newRunId(now);
    this.db
      .prepare("INSERT INTO server_runs (id, number, repo, event, ref, sha, status, created_at, request) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)")
      .run(id, next.n, run.repo, run.event, run.ref ?? null, run.sha ?? null, now, JSON.stringify(run.request));
    return this.getRun(id) as ServerRun;
  }

  queueRun(run: NewServerRun, now = Date.now()): ServerRun {
    return this.db.transaction(() => this.insertRun(run, now))();
  }

  /**
   * Records a delivery and queues its runs in one transaction; a delivery id seen before
   * queues nothing and returns the runs the first delivery queued.
   */
  acceptDelivery(delivery: { id: string; repo: string; event: string }, runs: NewServerRun[], now = Date.now()): { duplicate: boolean; runIds: string[] } {
    return this.db.transaction(() => {
      const seen = this.db.prepare("SELECT run_ids AS runIds FROM deliveries WHERE id = ?").get(delivery.id) as { runIds: string } | undefined;
      if (seen) return { duplicate: true, runIds: JSON.parse(seen.runIds) as string[] };
      const runIds = runs.map((r) => this.insertRun(r, now).id);
      this.db
        .prepare("INSERT INTO deliveries (id, repo, event, run_ids, received_at) VALUES (?, ?, ?, ?, ?)")
        .run(delivery.id, delivery.repo, delivery.event, JSON.stringify(runIds), now);
      return { duplicate: false, runIds };
    })();
  }

  /** A cancel asked for through a replica that does not run the run; the one that does acts on it. */
  requestCancel(id: string, reason: string): void {
    this.db.prepare("INSERT OR REPLACE INTO cancel_requests (run_id, reason) VALUES (?, ?)").run(id, reason);
  }

  /** Cancels asked for runs that have not finished. */
  cancelRequests(): { id: string; reason: string }[] {
    this.db.prepare("DELETE FROM cancel_requests WHERE run_id IN (SELECT id FROM server_runs WHERE status = 'completed')").run();
    return this.db.prepare("SELECT run_id AS id, reason FROM cancel_requests ORDER BY run_id").all() as { id: string; reason: string }[];
  }

  /** true when this (repo, workflow, cron, minute) had not fired yet: it now has. */
  claimScheduleFire(repo: string, workflow: string, cron: string, minute: number): boolean {
    return (
      this.db.prepare("INSERT OR IGNORE INTO schedule_fires (repo, workflow, cron, minute) VALUES (?, ?, ?, ?)").run(repo, workflow, cron, minute).changes === 1
    );
  }

  getRun(id: string): ServerRun | undefined {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM server_runs WHERE id = ?`).get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  listRuns(q: RunQuery): ServerRun[] {
    const filters: [string, string | undefined][] = [
      ["repo = ?", q.repo],
      ["event = ?", q.event],
      ["status = ?", q.status],
      ["ref = ?", q.branch === undefined ? undefined : `refs/heads/${q.branch}`],
      ["conclusion = ?", q.conclusion],
      ["EXISTS (SELECT 1 FROM json_each(workflow_files) WHERE value = ?)", q.workflow],
      ["id < ?", q.before],
    ];
    const used = filters.filter((f): f is [string, string] => f[1] !== undefined);
    const where = used.map((f) => f[0]);
    const args: (string | number)[] = used.map((f) => f[1]);
    const sql = `SELECT ${COLUMNS} FROM server_runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, q.limit) as Row[]).map(fromRow);
  }

  /** Runs in the order they were queued, the oldest `limit` of them. */
  runsWithStatus(status: ServerRunStatus, limit = -1): ServerRun[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM server_runs WHERE status = ? ORDER BY id LIMIT ?`).all(status, limit) as Row[]).map(fromRow);
  }

  countByStatus(): Record<ServerRunStatus, number> {
    const counts: Record<ServerRunStatus, number> = { queued: 0, in_progress: 0, completed: 0 };
    for (const r of this.db.prepare("SELECT status, COUNT(*) AS n FROM server_runs GROUP BY status").all() as { status: ServerRunStatus; n: number }[])
      counts[r.status] = r.n;
    return counts;
  }

  resolveRun(id: string, at: { ref: string; sha: string }): void {
    this.db.prepare("UPDATE server_runs SET ref = ?, sha = ? WHERE id = ?").run(at.ref, at.sha, id);
  }

  startRun(id: string, pipelineRunId: string, workflowFiles: string[], now = Date.now()): void {
    this.db
      .prepare("UPDATE server_runs SET status = 'in_progress', started_at = ?, pipeline_run_id = ?, workflow_files = ? WHERE id = ?")
      .run(now, pipelineRunId, JSON.stringify(workflowFiles), id);
  }

  /** Back to the queue, as if it had never started: the run store keeps its earlier record. */
  requeueRun(id: string): void {
    this.db.prepare("UPDATE server_runs SET status = 'queued', started_at = NULL, pipeline_run_id = NULL WHERE id = ?").run(id);
  }

  finishRun(id: string, result: { conclusion: ServerConclusion; summary?: unknown; note?: string }, now = Date.now()): void {
    this.db
      .prepare(
        "UPDATE server_runs SET status = 'completed', conclusion = ?, finished_at = ?, started_at = COALESCE(started_at, ?), summary = ?, note = ? WHERE id = ?",
      )
      .run(result.conclusion, now, now, result.summary === undefined ? null : JSON.stringify(result.summary), result.note ?? null, id);
  }

  /** The latest completed run's conclusion for a branch and workflow file, before `beforeId`. */
  previousConclusion(repo: string, ref: string, workflowFile: string, beforeId: string): ServerConclusion | undefined {
    const rows = this.db
      .prepare(
        "SELECT conclusion, workflow_files AS files FROM server_runs WHERE repo = ? AND ref = ? AND status = 'completed' AND id < ? ORDER BY id DESC LIMIT 50",
      )
      .all(repo, ref, beforeId) as { conclusion: ServerConclusion; files: string }[];
    return rows.find((r) => (JSON.parse(r.files) as string[]).includes(workflowFile))?.conclusion;
  }
}
