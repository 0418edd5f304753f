// Small OSV records for tests, in the shape osv.dev exports them.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface OsvFixture {
  id: string;
  ecosystem?: "PyPI" | "npm" | "Go";
  package: string;
  /** Events of one ECOSYSTEM range, e.g. [{ introduced: "0" }, { fixed: "2.0" }]. */
  events?: Record<string, string>[];
  versions?: string[];
  aliases?: string[];
  summary?: string;
  details?: string;
  cvss?: string;
  severity?: string;
  modified?: string;
  withdrawn?: string;
}

export function osvRecord(f: OsvFixture): object {
  return {
    schema_version: "1.6.0",
    id: f.id,
    modified: f.modified ?? "2024-05-01T00:00:00Z",
    published: "2024-04-01T00:00:00Z",
    ...(f.withdrawn ? { withdrawn: f.withdrawn } : {}),
    aliases: f.aliases ?? [],
    ...(f.summary ? { summary: f.summary } : {}),
    details: f.details ?? "Details of the vulnerability.",
    ...(f.cvss ? { severity: [{ type: "CVSS_V3", score: f.cvss }] } : {}),
    affected: [
      {
        package: { ecosystem: f.ecosystem ?? "PyPI", name: f.package, purl: `pkg:${(f.ecosystem ?? "PyPI").toLowerCase()}/${f.package}` },
        ranges: f.events ? [{ type: "ECOSYSTEM", events: f.events }] : [],
        ...(f.versions ? { versions: f.versions } : {}),
      },
    ],
    ...(f.severity ? { database_specific: { severity: f.severity } } : {}),
  };
}

/** Writes records as `<id>.json` files, the layout of an unpacked all.zip. */
export function writeOsvFolder(dir: string, fixtures: OsvFixture[]): string {
  mkdirSync(dir, { recursive: true });
  for (const f of fixtures) writeFileSync(join(dir, `${f.id}.json`), JSON.stringify(osvRecord(f), null, 2));
  return dir;
}
