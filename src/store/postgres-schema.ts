// The Postgres schema, as an ordered list of migrations (the same rule as schema.ts: a released
// migration is never edited, a change is a new entry). The tables mirror the SQLite ones; ids and
// texts that are sorted are compared byte by byte (COLLATE "C"), as SQLite compares them, so that
// run ids sort by time and id prefixes select exactly the ids that start with them.
import type { PostgresBridge } from "./postgres-bridge.js";
import { StoreError } from "./types.js";

const STATUS = "CHECK (status IN ('queued', 'in_progress', 'completed'))";
const conclusion = (column: string): string => `${column} TEXT CHECK (${column} IN ('success', 'failure', 'cancelled', 'skipped'))`;

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id          TEXT COLLATE "C" PRIMARY KEY,
    number      INTEGER NOT NULL,
    repo_root   TEXT NOT NULL,
    event       TEXT NOT NULL,
    ref         TEXT NOT NULL,
    sha         TEXT NOT NULL,
    actor       TEXT NOT NULL,
    status      TEXT NOT NULL ${STATUS},
    ${conclusion("conclusion")},
    started_at  BIGINT NOT NULL,
    finished_at BIGINT,
    summary_json TEXT,
    pid         INTEGER NOT NULL,
    pid_start   BIGINT,
    host        TEXT NOT NULL,
    note        TEXT,
    UNIQUE (repo_root, number)
  );
  CREATE INDEX runs_unfinished ON runs (status) WHERE status <> 'completed';
  CREATE INDEX runs_repo ON runs (repo_root, id);

  -- The last number given per repository. Numbers come from here rather than from MAX(number) so
  -- that they are never reused, even after the newest runs were pruned, and so that the row lock
  -- orders two servers creating runs of one repository at once.
  CREATE TABLE run_numbers (
    repo_root TEXT PRIMARY KEY,
    last      INTEGER NOT NULL
  );

  CREATE TABLE jobs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id      TEXT COLLATE "C" NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    tier        TEXT NOT NULL,
    workflow    TEXT NOT NULL,
    job_id      TEXT NOT NULL,
    name        TEXT NOT NULL,
    matrix_json TEXT,
    status      TEXT NOT NULL ${STATUS},
    ${conclusion("conclusion")},
    started_at  BIGINT,
    finished_at BIGINT,
    attempt     INTEGER NOT NULL DEFAULT 1
  );
  CREATE INDEX jobs_run ON jobs (run_id);

  CREATE TABLE steps (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_row_id  BIGINT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    step_index  INTEGER NOT NULL,
    name        TEXT NOT NULL,
    step_id     TEXT,
    status      TEXT NOT NULL ${STATUS},
    ${conclusion("outcome")},
    ${conclusion("conclusion")},
    started_at  BIGINT,
    finished_at BIGINT,
    UNIQUE (job_row_id, step_index)
  );

  CREATE TABLE logs (
    job_row_id BIGINT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    step_index INTEGER,
    ts         BIGINT NOT NULL,
    stream     TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'system')),
    text       TEXT NOT NULL,
    PRIMARY KEY (job_row_id, seq)
  );

  CREATE TABLE annotations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id     TEXT COLLATE "C" NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    job_row_id BIGINT REFERENCES jobs (id) ON DELETE CASCADE,
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

  CREATE TABLE test_results (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_row_id     BIGINT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    suite          TEXT NOT NULL,
    classname      TEXT,
    name           TEXT NOT NULL,
    file           TEXT,
    line           INTEGER,
    status         TEXT NOT NULL CHECK (status IN ('passed', 'failed', 'skipped', 'error')),
    duration_ms    DOUBLE PRECISION NOT NULL,
    message        TEXT,
    attempts       INTEGER NOT NULL,
    retry_statuses TEXT
  );
  CREATE INDEX test_results_job ON test_results (job_row_id);

  CREATE TABLE coverage_files (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_row_id       BIGINT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    format           TEXT NOT NULL,
    path             TEXT COLLATE "C" NOT NULL,
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
  -- As SQLite's fourth migration: the tree a job tested, the key of its inputs, the job whose
  -- success it reused (no foreign key: that run may be pruned, its results were copied) and its outputs.
  ALTER TABLE jobs ADD COLUMN tree TEXT;
  ALTER TABLE jobs ADD COLUMN input_key TEXT;
  ALTER TABLE jobs ADD COLUMN reused_from BIGINT;
  ALTER TABLE jobs ADD COLUMN outputs_json TEXT;
  CREATE INDEX jobs_input_key ON jobs (input_key) WHERE input_key IS NOT NULL;
  `,
];

/** The schema version this code reads and writes. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

/** The tables of the schema, for those who need to name them all (compaction after a prune). */
export const POSTGRES_TABLES = ["runs", "run_numbers", "jobs", "steps", "logs", "annotations", "test_results", "coverage_files"] as const;

/**
 * Brings the database (its current schema, see search_path) to POSTGRES_SCHEMA_VERSION, in one
 * transaction. An advisory lock keyed on the schema's name is taken first: two processes opening
 * a new database at once take turns, and the second finds the work done.
 */
export function migratePostgres(db: PostgresBridge, where: string): void {
  db.run([{ sql: "BEGIN", params: [] }], false);
  try {
    db.run(
      [
        { sql: "SELECT pg_advisory_xact_lock(hashtext('tierci schema ' || current_schema()))", params: [] },
        { sql: "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)", params: [] },
      ],
      false,
    );
    const [row] = db.rows<{ current: number | null }>("SELECT MAX(version) AS current FROM schema_migrations");
    const current = row?.current ?? 0;
    if (current > POSTGRES_SCHEMA_VERSION) {
      throw new StoreError(
        `${where} has schema version ${current}, newer than the ${POSTGRES_SCHEMA_VERSION} this tierci knows; upgrade tierci to use it`,
        "schema-too-new",
      );
    }
    db.run(
      MIGRATIONS.slice(current).flatMap((sql, i) => [
        { sql, params: [] },
        { sql: "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)", params: [current + i + 1, Date.now()] },
      ]),
      false,
    );
    db.run([{ sql: "COMMIT", params: [] }], false);
  } catch (err) {
    db.run([{ sql: "ROLLBACK", params: [] }], false);
    throw err;
  }
}
