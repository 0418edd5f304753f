import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { tempDir } from "../../../test/support/git-repo.js";
import { osvRecord, writeOsvFolder, type OsvFixture } from "../../../test/support/osv-fixtures.js";
import { makeZip } from "../../../test/support/zip-writer.js";
import { importOsv, OsvDatabase, OsvDatabaseError } from "./osv-db.js";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function scratch(): string {
  const d = tempDir("tierci-osvdb-");
  dirs.push(d);
  return d;
}

function zipOf(dir: string, name: string, fixtures: OsvFixture[]): string {
  const path = join(dir, name);
  writeFileSync(path, makeZip(fixtures.map((f) => ({ name: `${f.id}.json`, data: JSON.stringify(osvRecord(f)) }))));
  return path;
}

const jinja: OsvFixture = {
  id: "GHSA-h5c8-rqwp-cp95",
  package: "Jinja2",
  aliases: ["CVE-2024-22195"],
  summary: "HTML attribute injection",
  events: [{ introduced: "0" }, { fixed: "3.1.3" }],
  severity: "MODERATE",
  modified: "2024-01-11T00:00:00Z",
};
const requests: OsvFixture = {
  id: "PYSEC-2023-74",
  package: "requests",
  events: [{ introduced: "2.3.0" }, { fixed: "2.31.0" }],
  modified: "2023-06-01T00:00:00Z",
};
const lodash: OsvFixture = { id: "GHSA-35jh-r3h4-6jhm", ecosystem: "npm", package: "lodash", events: [{ introduced: "0" }, { fixed: "4.17.21" }] };

test("a folder of OSV JSON imports into an index by ecosystem and normalized name", () => {
  const work = scratch();
  const folder = writeOsvFolder(join(work, "osv"), [jinja, requests, lodash, { id: "GO-1", ecosystem: "Go", package: "x" }]);
  writeFileSync(join(folder, "notes.json"), '{"not": "osv"}');
  writeFileSync(join(folder, "broken.json"), "{");
  const summary = importOsv(join(work, "db"), [folder], Date.UTC(2024, 4, 2));
  assert.deepEqual(
    summary.ecosystems.map((s) => [s.ecosystem, s.advisories, s.packages, s.newestModified]),
    [
      ["PyPI", 2, 2, "2024-01-11T00:00:00Z"],
      ["npm", 1, 1, "2024-05-01T00:00:00Z"],
    ],
  );
  assert.equal(summary.records, 4);
  assert.equal(summary.otherEcosystems, 1);
  assert.equal(summary.unreadable, 2);

  const db = OsvDatabase.open(join(work, "db"));
  try {
    const found = db.advisoriesFor("PyPI", "jinja2");
    assert.deepEqual(
      found.map((a) => [a.id, a.aliases, a.summary, a.severity?.label]),
      [["GHSA-h5c8-rqwp-cp95", ["CVE-2024-22195"], "HTML attribute injection", "MODERATE"]],
    );
    assert.deepEqual(found[0]?.ranges, [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "3.1.3" }] }]);
    assert.equal(db.advisoriesFor("PyPI", "Jinja2").length, 0, "lookups take normalized names");
    assert.equal(db.status().find((s) => s.ecosystem === "npm")?.importedAt, Date.UTC(2024, 4, 2));
  } finally {
    db.close();
  }
});

test("an all.zip (Zip64 too) imports like a folder; importing an ecosystem again replaces it", () => {
  const work = scratch();
  const dbDir = join(work, "db");
  importOsv(dbDir, [zipOf(work, "pypi-old.zip", [jinja, requests])], 1000);
  const fresh = join(work, "pypi-new.zip");
  writeFileSync(
    fresh,
    makeZip(
      [
        { name: `${jinja.id}.json`, data: JSON.stringify(osvRecord({ ...jinja, events: [{ introduced: "0" }, { fixed: "3.1.4" }] })) },
        { name: "PYSEC-2024-1.json", data: JSON.stringify(osvRecord({ id: "PYSEC-2024-1", package: "urllib3", events: [{ introduced: "0" }] })) },
      ],
      { zip64: true },
    ),
  );
  importOsv(dbDir, [fresh], 2000);
  const db = OsvDatabase.open(dbDir);
  try {
    assert.deepEqual(db.advisoriesFor("PyPI", "requests"), [], "records absent from the new export are gone");
    assert.equal(db.advisoriesFor("PyPI", "jinja2")[0]?.ranges[0]?.events[1]?.fixed, "3.1.4");
    assert.deepEqual(
      db.status().map((s) => [s.ecosystem, s.advisories, s.importedAt]),
      [["PyPI", 2, 2000]],
    );
  } finally {
    db.close();
  }
});

test("an export covers the ecosystem all its records name: cross-listed records do not make another look imported", () => {
  const work = scratch();
  const dbDir = join(work, "db");
  const pypi = Array.from({ length: 4 }, (_, i): OsvFixture => ({ id: `PYSEC-${i}`, package: `p${i}`, events: [{ introduced: "0" }] }));
  const both = { ...osvRecord({ id: "GHSA-both", package: "shared", events: [{ introduced: "0" }, { fixed: "2.0" }] }) } as { affected: object[] };
  both.affected.push({ package: { ecosystem: "npm", name: "shared" }, ranges: [{ type: "SEMVER", events: [{ introduced: "0" }, { fixed: "2.0.0" }] }] });
  const folder = writeOsvFolder(join(work, "pypi"), pypi);
  writeFileSync(join(folder, "GHSA-both.json"), JSON.stringify(both));
  importOsv(dbDir, [folder]);
  const db = OsvDatabase.open(dbDir);
  try {
    assert.deepEqual(
      db.status().map((s) => s.ecosystem),
      ["PyPI"],
    );
    assert.equal(db.advisoriesFor("npm", "shared").length, 1, "the npm part is still kept");
  } finally {
    db.close();
  }
});

test("a withdrawn record removes the advisory imported before", () => {
  const work = scratch();
  const dbDir = join(work, "db");
  importOsv(dbDir, [writeOsvFolder(join(work, "a"), [jinja, requests])]);
  importOsv(dbDir, [writeOsvFolder(join(work, "b"), [{ ...jinja, withdrawn: "2024-02-01T00:00:00Z" }, requests])]);
  const db = OsvDatabase.open(dbDir);
  try {
    assert.deepEqual(db.advisoriesFor("PyPI", "jinja2"), []);
    assert.equal(db.status()[0]?.advisories, 1);
  } finally {
    db.close();
  }
});

test("missing paths, empty exports and a missing database are clear errors", () => {
  const work = scratch();
  assert.throws(
    () => importOsv(join(work, "db"), [join(work, "nope.zip")]),
    (e: unknown) => e instanceof OsvDatabaseError && /does not exist/.test(e.message),
  );
  assert.throws(() => importOsv(join(work, "db"), [writeOsvFolder(join(work, "empty"), [])]), /no PyPI or npm advisories/);
  writeFileSync(join(work, "bad.zip"), "not a zip");
  assert.throws(
    () => importOsv(join(work, "db"), [join(work, "bad.zip")]),
    (e: unknown) => e instanceof OsvDatabaseError && /not a zip file/.test(e.message),
  );
  assert.throws(
    () => OsvDatabase.open(join(work, "absent"), ["PyPI"]),
    (e: unknown) =>
      e instanceof OsvDatabaseError &&
      e.message.includes("run `tierci deps db import all.zip`") &&
      e.message.includes("https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip"),
  );
});
