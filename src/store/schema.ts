// The SQLite schema, as an ordered list of migrations. A migration is never edited once released:
// a change is a new entry, so every database reaches the same shape whatever version it starts from.
import type Database from "better-sqlite3";
import { StoreError } from "./types.js";

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id           TEXT PRIMARY KEY,
    number       INTEGER NOT NULL,
    repo_root    TEXT NOT NULL,
    event        TEXT NOT NULL,
    ref          TEXT NOT NULL,
    sha          TEXT NOT NULL,
    actor        TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('queued', 'in_progress', 'completed')),
    conclusion   TEXT CHECK (conclusion IN ('success', 'failure', 'cancelled', 'skipped')),
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    summary_json TEXT,
    pid          INTEGER NOT NULL,
    host         TEXT NOT NULL,
    note         TEXT,
    UNIQUE (repo_root, number)
  );
  CREATE INDEX runs_unfinished ON runs (status) WHERE status <> 'completed';

  CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    run_id      TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    tier        TEXT NOT NULL,
    workflow    TEXT NOT NULL,
    job_id      TEXT NOT NULL,
    name        TEXT NOT NULL,
    matrix_json TEXT,
    status      TEXT NOT NULL CHECK (status IN ('queued', 'in_progress', 'completed')),
    conclusion  TEXT CHECK (conclusion IN ('success', 'failure', 'cancelled', 'skipped')),
    started_at  INTEGER,
    finished_at INTEGER,
    attempt     INTEGER NOT NULL DEFAULT 1
  );
  CREATE INDEX jobs_run ON jobs (run_id);

  CREATE TABLE steps (
    id          INTEGER PRIMARY KEY,
    job_row_id  INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    step_index  INTEGER NOT NULL,
    name        TEXT NOT NULL,
    step_id     TEXT,
    status      TEXT NOT NULL CHECK (status IN ('queued', 'in_progress', 'completed')),
    outcome     TEXT CHECK (outcome IN ('success', 'failure', 'cancelled', 'skipped')),
    conclusion  TEXT CHECK (conclusion IN ('success', 'failure', 'cancelled', 'skipped')),
    started_at  INTEGER,
    finished_at INTEGER,
    UNIQUE (job_row_id, step_index)
  );

  -- Keyed by (job, seq) without a rowid: one b-tree per insert, and a job's lines are read back
  -- in order from a single range of it.
  CREATE TABLE logs (
    job_row_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    step_index INTEGER,
    ts         INTEGER NOT NULL,
    stream     TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'system')),
    text       TEXT NOT NULL,
    PRIMARY KEY (job_row_id, seq)
  ) WITHOUT ROWID;

  CREATE TABLE annotations (
    id         INTEGER PRIMARY KEY,
    run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    job_row_id INTEGER REFERENCES jobs (id) ON DELETE CASCADE,
    step_index INTEGER,
    level      TEXT NOT NULL CHECK (level IN ('error', 'warning', 'notice')),
    message    TEXT NOT NULL,
    title      TEXT,
    file       TEXT,
    line       INTEGER,
    col        INTEGER,
    end_line   INTEGER,
    end_col    INTEGER
  );
  CREATE INDEX annotations_run ON annotations (run_id);
  CREATE INDEX annotations_job ON annotations (job_row_id);
  `,
  `
  CREATE TABLE test_results (
    id             INTEGER PRIMARY KEY,
    job_row_id     INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    suite          TEXT NOT NULL,
    classname      TEXT,
    name           TEXT NOT NULL,
    file           TEXT,
    line           INTEGER,
    status         TEXT NOT NULL CHECK (status IN ('passed', 'failed', 'skipped', 'error')),
    duration_ms    REAL NOT NULL,
    message        TEXT,
    attempts       INTEGER NOT NULL,
    -- Comma-separated, oldest first; null when the test ran once.
    retry_statuses TEXT
  );
  CREATE INDEX test_results_job ON test_results (job_row_id);

  -- One row per file of one coverage report. Lines are range lists such as "1-4,9": which lines
  -- ran is what file and patch coverage need, and it stays small where hit counts per line would
  -- not, over a long history of large projects.
  CREATE TABLE coverage_files (
    id               INTEGER PRIMARY KEY,
    job_row_id       INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    format           TEXT NOT NULL,
    path             TEXT NOT NULL,
    lines_valid      INTEGER NOT NULL,
    lines_covered    INTEGER NOT NULL,
    branches_valid   INTEGER,
    branches_covered INTEGER,
    covered_lines    TEXT NOT NULL,
    uncovered_lines  TEXT NOT NULL
  );
  CREATE INDEX coverage_files_job ON coverage_files (job_row_id);
  `,
  `
  -- The owner's process start time, so that a reused PID is not taken for the run's owner.
  ALTER TABLE runs ADD COLUMN pid_start INTEGER;
  `,
  `
  -- What a job tested and on what inputs, so that a test failing and passing on one tree is
  -- told apart from a fix, and a job whose inputs are byte-identical to a success can reuse it.
  -- reused_from has no foreign key: the run it names may be pruned, its results were copied.
  ALTER TABLE jobs ADD COLUMN tree TEXT;
  ALTER TABLE jobs ADD COLUMN input_key TEXT;
  ALTER TABLE jobs ADD COLUMN reused_from INTEGER;
  ALTER TABLE jobs ADD COLUMN outputs_json TEXT;
  CREATE INDEX jobs_input_key ON jobs (input_key) WHERE input_key IS NOT NULL;
  `,
];

/** The schema version this code reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the database to SCHEMA_VERSION. Safe to run on every open and from several processes at
 * once: the check and the migrations share one write transaction.
 */
export function migrate(db: Database.Database): void {
  db.transaction(() => {
    db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
    const current = (db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_version").pluck().get() as number | null) ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new StoreError(
        `${db.name} has schema version ${current}, newer than the ${SCHEMA_VERSION} this tierci knows; upgrade tierci to use it`,
        "schema-too-new",
      );
    }
    const record = db.prepare("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)");
    MIGRATIONS.slice(current).forEach((sql, i) => {
      db.exec(sql);
      record.run(current + i + 1, Date.now());
    });
  }).immediate();
}
