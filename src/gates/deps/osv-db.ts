// The offline vulnerability database: OSV exports (an ecosystem's all.zip, or folders of OSV
// JSON) imported into one SQLite file indexed by ecosystem and package name, so that an audit
// reads only the advisories of the packages it meets. Importing an ecosystem replaces what
// was known about it, so advisories withdrawn or deleted upstream do not linger.
import Database from "better-sqlite3";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { compactRecord, type AdvisoryInfo } from "./osv-record.js";
import type { AffectedVersions, Ecosystem } from "./osv-range.js";
import { ZipError, ZipReader } from "./zip.js";

export class OsvDatabaseError extends Error {}

const DB_FILE = "advisories.db";
const SCHEMA_VERSION = 1;

export interface EcosystemStatus {
  ecosystem: Ecosystem;
  advisories: number;
  packages: number;
  /** Milliseconds since the epoch. */
  importedAt: number;
  /** The latest `modified` time among the records, as OSV wrote it. */
  newestModified?: string;
  sources: string[];
}

export interface StoredAdvisory extends AdvisoryInfo, AffectedVersions {}

export interface ImportSummary {
  ecosystems: EcosystemStatus[];
  /** OSV records read, whether kept or not. */
  records: number;
  withdrawn: number;
  otherEcosystems: number;
  /** Files that are not JSON or not OSV records; the first one is named. */
  unreadable: number;
  firstUnreadable?: string;
}

function exportUrl(ecosystem: string): string {
  return `https://osv-vulnerabilities.storage.googleapis.com/${ecosystem}/all.zip`;
}

function downloadHint(ecosystems: readonly string[]): string {
  const names = ecosystems.length > 0 ? ecosystems : ["<ecosystem>"];
  return `download ${names.map(exportUrl).join(" and ")} on a machine with network`;
}

function missingDatabaseMessage(dbDir: string, ecosystems: readonly string[]): string {
  return `no vulnerability database in ${dbDir}: run \`tierci deps db import all.zip\` (${downloadHint(ecosystems)})`;
}

export function missingEcosystemMessage(dbDir: string, ecosystem: Ecosystem): string {
  return `the vulnerability database in ${dbDir} has no ${ecosystem} advisories: run \`tierci deps db import ${ecosystem}-all.zip\` (${downloadHint([ecosystem])})`;
}

export function staleMessage(dbDir: string, status: EcosystemStatus, ageDays: number, maxAgeDays: number): string {
  return (
    `the ${status.ecosystem} advisories in ${dbDir} are ${ageDays.toFixed(1)} days old (imported ${new Date(status.importedAt).toISOString()}), ` +
    `more than --max-age ${maxAgeDays}: import a fresh export with \`tierci deps db import all.zip\` (${downloadHint([status.ecosystem])})`
  );
}

function createSchema(db: Database.Database): void {
  if (db.pragma("user_version", { simple: true }) !== SCHEMA_VERSION) {
    db.exec("DROP TABLE IF EXISTS affected; DROP TABLE IF EXISTS advisory; DROP TABLE IF EXISTS import;");
  }
  db.exec(`
    CREATE TABLE IF NOT EXISTS advisory (id TEXT PRIMARY KEY, info TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE IF NOT EXISTS affected (
      ecosystem TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL, versions TEXT NOT NULL,
      PRIMARY KEY (ecosystem, name, id)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS affected_id ON affected (id);
    CREATE TABLE IF NOT EXISTS import (
      ecosystem TEXT PRIMARY KEY, imported_at INTEGER NOT NULL, advisories INTEGER NOT NULL,
      packages INTEGER NOT NULL, newest_modified TEXT, sources TEXT NOT NULL
    ) WITHOUT ROWID;
  `);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
}

interface SourceFile {
  origin: string;
  read(): Buffer;
}

function* jsonFilesIn(dir: string): Generator<SourceFile> {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* jsonFilesIn(path);
    else if (entry.name.endsWith(".json")) yield { origin: path, read: () => readFileSync(path) };
  }
}

function* jsonMembersOf(path: string): Generator<SourceFile> {
  let zip: ZipReader;
  try {
    zip = ZipReader.open(path);
  } catch (err) {
    if (err instanceof ZipError) throw new OsvDatabaseError(err.message);
    throw err;
  }
  try {
    for (const entry of zip.entries) {
      if (!entry.name.endsWith(".json")) continue;
      const read = (): Buffer => {
        try {
          return zip.read(entry);
        } catch (err) {
          // A damaged member fails the whole import, which then changes nothing.
          throw new OsvDatabaseError(`${path}: ${entry.name} cannot be read (${(err as Error).message}); the file is damaged, download it again`);
        }
      };
      yield { origin: `${path}:${entry.name}`, read };
    }
  } finally {
    zip.close();
  }
}

function sourceFiles(path: string): Generator<SourceFile> {
  return statSync(path).isDirectory() ? jsonFilesIn(path) : jsonMembersOf(path);
}

interface Coverage {
  sources: Set<string>;
  newest?: string;
}

/**
 * Imports OSV exports into the database in `dbDir`, creating it if needed. An ecosystem's
 * all.zip holds every record that names the ecosystem, so an export covers the ecosystems that
 * all its records name (or, when it mixes exports, each one named): the advisories of a covered
 * ecosystem are replaced and its import time recorded. Records that an export carries for other
 * ecosystems as well are merged in without making those look freshly imported.
 */
export function importOsv(dbDir: string, paths: string[], now = Date.now()): ImportSummary {
  const absent = paths.find((p) => !existsSync(p));
  if (absent !== undefined) throw new OsvDatabaseError(`${absent} does not exist; give an OSV all.zip or a folder of OSV JSON files`);
  mkdirSync(dbDir, { recursive: true });
  const db = new Database(join(dbDir, DB_FILE));
  try {
    createSchema(db);
    // An export is one large transaction: a bigger page cache and in-memory staging keep it off the disk until the commit.
    db.pragma("cache_size = -65536");
    db.pragma("temp_store = MEMORY");
    db.exec(`
      CREATE TEMP TABLE staged (ecosystem TEXT NOT NULL, name TEXT NOT NULL, id TEXT NOT NULL, versions TEXT NOT NULL, PRIMARY KEY (ecosystem, name, id)) WITHOUT ROWID;
      CREATE INDEX temp.staged_id ON staged (id);
    `);
    const summary: ImportSummary = { ecosystems: [], records: 0, withdrawn: 0, otherEcosystems: 0, unreadable: 0 };
    const insertAdvisory = db.prepare("INSERT OR REPLACE INTO advisory (id, info) VALUES (?, ?)");
    const stage = db.prepare("INSERT OR REPLACE INTO staged (ecosystem, name, id, versions) VALUES (?, ?, ?, ?)");
    const forget = [db.prepare("DELETE FROM affected WHERE id = ?"), db.prepare("DELETE FROM staged WHERE id = ?")];
    const clear = db.prepare("DELETE FROM affected WHERE ecosystem = ?");
    const merge = db.prepare("INSERT OR REPLACE INTO affected SELECT ecosystem, name, id, versions FROM staged");
    const unstage = db.prepare("DELETE FROM staged");
    const covered = new Map<Ecosystem, Coverage>();

    const importSource = (path: string): void => {
      const newest = new Map<Ecosystem, string | undefined>();
      let inEvery: Set<Ecosystem> | undefined;
      for (const file of sourceFiles(path)) {
        let data: Buffer;
        try {
          data = file.read();
        } catch (err) {
          if (err instanceof ZipError) throw new OsvDatabaseError(err.message);
          throw err;
        }
        let raw: unknown;
        try {
          raw = JSON.parse(data.toString("utf8"));
        } catch {
          raw = undefined;
        }
        for (const item of Array.isArray(raw) ? raw : [raw]) {
          const record = compactRecord(item);
          if (record.kind === "skipped" && record.reason === "not-osv") {
            summary.unreadable++;
            summary.firstUnreadable ??= file.origin;
            continue;
          }
          summary.records++;
          if (record.kind === "skipped") {
            if (record.reason === "withdrawn") {
              summary.withdrawn++;
              for (const f of forget) f.run((item as { id: string }).id);
            } else summary.otherEcosystems++;
            continue;
          }
          insertAdvisory.run(record.info.id, JSON.stringify(record.info));
          for (const f of forget) f.run(record.info.id);
          const ecosystems = new Set(record.packages.map((p) => p.ecosystem));
          inEvery = inEvery ? new Set([...inEvery].filter((e) => ecosystems.has(e))) : ecosystems;
          for (const ecosystem of ecosystems) {
            const latest = newest.get(ecosystem);
            newest.set(ecosystem, !latest || (record.info.modified ?? "") > latest ? record.info.modified : latest);
          }
          for (const pkg of record.packages) stage.run(pkg.ecosystem, pkg.name, record.info.id, JSON.stringify({ ranges: pkg.ranges, versions: pkg.versions }));
        }
      }
      const coveredHere = inEvery && inEvery.size > 0 ? inEvery : new Set(newest.keys());
      for (const ecosystem of coveredHere) {
        let coverage = covered.get(ecosystem);
        // Two exports of one ecosystem in one import add up rather than replace each other.
        if (!coverage) {
          clear.run(ecosystem);
          coverage = { sources: new Set() };
          covered.set(ecosystem, coverage);
        }
        coverage.sources.add(path);
        const latest = newest.get(ecosystem);
        if (latest && (!coverage.newest || latest > coverage.newest)) coverage.newest = latest;
      }
      merge.run();
      unstage.run();
    };

    db.transaction(() => {
      for (const path of paths) importSource(resolve(path));
      if (covered.size === 0) {
        throw new OsvDatabaseError(
          `no PyPI or npm advisories in ${paths.join(", ")}${summary.firstUnreadable ? ` (${summary.firstUnreadable} is not an OSV record)` : ""}`,
        );
      }
      db.exec("DELETE FROM advisory WHERE id NOT IN (SELECT id FROM affected)");
      const counts = db.prepare("SELECT count(DISTINCT id) AS advisories, count(DISTINCT name) AS packages FROM affected WHERE ecosystem = ?");
      const record = db.prepare(
        "INSERT OR REPLACE INTO import (ecosystem, imported_at, advisories, packages, newest_modified, sources) VALUES (?, ?, ?, ?, ?, ?)",
      );
      for (const [ecosystem, coverage] of covered) {
        const c = counts.get(ecosystem) as { advisories: number; packages: number };
        record.run(ecosystem, now, c.advisories, c.packages, coverage.newest ?? null, JSON.stringify([...coverage.sources]));
      }
    })();
    summary.ecosystems = statusOf(db).filter((s) => covered.has(s.ecosystem));
    return summary;
  } finally {
    db.close();
  }
}

function statusOf(db: Database.Database): EcosystemStatus[] {
  const rows = db.prepare("SELECT ecosystem, imported_at, advisories, packages, newest_modified, sources FROM import ORDER BY ecosystem").all() as {
    ecosystem: Ecosystem;
    imported_at: number;
    advisories: number;
    packages: number;
    newest_modified: string | null;
    sources: string;
  }[];
  return rows.map((r) => ({
    ecosystem: r.ecosystem,
    advisories: r.advisories,
    packages: r.packages,
    importedAt: r.imported_at,
    ...(r.newest_modified ? { newestModified: r.newest_modified } : {}),
    sources: JSON.parse(r.sources) as string[],
  }));
}

export class OsvDatabase {
  private readonly lookup: Database.Statement;

  private constructor(
    private readonly db: Database.Database,
    readonly dir: string,
  ) {
    this.lookup = db.prepare(
      "SELECT a.id, a.versions, v.info FROM affected a JOIN advisory v ON v.id = a.id WHERE a.ecosystem = ? AND a.name = ? ORDER BY a.id",
    );
  }

  /** Opens the database in `dbDir` read-only; its absence is an error that says how to create it. */
  static open(dbDir: string, neededEcosystems: readonly string[] = []): OsvDatabase {
    const path = join(dbDir, DB_FILE);
    if (!existsSync(path)) throw new OsvDatabaseError(missingDatabaseMessage(dbDir, neededEcosystems));
    const db = new Database(path, { readonly: true, fileMustExist: true });
    if (db.pragma("user_version", { simple: true }) !== SCHEMA_VERSION) {
      db.close();
      throw new OsvDatabaseError(
        `the vulnerability database in ${dbDir} was written by another version of tierci: import it again with \`tierci deps db import all.zip\``,
      );
    }
    return new OsvDatabase(db, dbDir);
  }

  status(): EcosystemStatus[] {
    return statusOf(this.db);
  }

  /** Advisories for a package, its name normalized as the ecosystem compares names. */
  advisoriesFor(ecosystem: Ecosystem, name: string): StoredAdvisory[] {
    const rows = this.lookup.all(ecosystem, name) as { id: string; versions: string; info: string }[];
    return rows.map((r) => ({ ...(JSON.parse(r.info) as AdvisoryInfo), ...(JSON.parse(r.versions) as AffectedVersions) }));
  }

  close(): void {
    this.db.close();
  }
}
