-- A database written by tierci at schema version 1 (sqlite3 .dump), to test upgrading a real one.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL);
INSERT INTO schema_version VALUES(1,1795691325790);
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
INSERT INTO runs VALUES('01hf7yat000vm9nw2xsen87810',1,'/repo','push','refs/heads/main','1111111111111111111111111111111111111111','dev','completed','success',1700000000000,1700000000600,'{"run_id":"01hf7yat000vm9nw2xsen87810","status":"success"}',7048,'vm',NULL);
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
INSERT INTO jobs VALUES(1,'01hf7yat000vm9nw2xsen87810','core','ci.yml','unit','unit (3.11)','{"python":"3.11"}','completed','success',1700000000100,1700000000500,1);
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
INSERT INTO steps VALUES(1,1,0,'pytest',NULL,'completed','success','success',1700000000200,1700000000400);
CREATE TABLE logs (
    job_row_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    step_index INTEGER,
    ts         INTEGER NOT NULL,
    stream     TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr', 'system')),
    text       TEXT NOT NULL,
    PRIMARY KEY (job_row_id, seq)
  ) WITHOUT ROWID;
INSERT INTO logs VALUES(1,1,0,1700000000300,'stdout','12 passed');
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
INSERT INTO annotations VALUES(1,'01hf7yat000vm9nw2xsen87810',1,0,'warning','slow test',NULL,'tests/test_a.py',3,NULL,NULL,NULL);
CREATE INDEX runs_unfinished ON runs (status) WHERE status <> 'completed';
CREATE INDEX jobs_run ON jobs (run_id);
CREATE INDEX annotations_run ON annotations (run_id);
CREATE INDEX annotations_job ON annotations (job_row_id);
COMMIT;
