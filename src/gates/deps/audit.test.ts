import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { tempDir } from "../../../test/support/git-repo.js";
import { writeOsvFolder, type OsvFixture } from "../../../test/support/osv-fixtures.js";
import { auditDependencies } from "./audit.js";
import { importOsv, OsvDatabaseError } from "./osv-db.js";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const NOW = Date.UTC(2024, 4, 10);
const DAY = 86_400_000;

const ADVISORIES: OsvFixture[] = [
  {
    id: "GHSA-h5c8-rqwp-cp95",
    package: "jinja2",
    aliases: ["CVE-2024-22195"],
    summary: "HTML attribute injection",
    events: [{ introduced: "0" }, { fixed: "3.1.3" }],
    severity: "MODERATE",
    cvss: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N",
  },
  // PyPI's own record of the same CVE: one finding, not two.
  { id: "PYSEC-2024-10", package: "Jinja2", aliases: ["CVE-2024-22195"], events: [{ introduced: "0" }, { fixed: "3.1.3" }] },
  { id: "PYSEC-2021-66", package: "jinja2", aliases: ["CVE-2020-28493"], summary: "ReDoS in urlize", events: [{ introduced: "0" }, { fixed: "2.11.3" }] },
  { id: "GHSA-j8r2-6x86-q33q", package: "requests", summary: "Proxy-Authorization leak", events: [{ introduced: "2.3.0" }, { fixed: "2.31.0" }] },
  {
    id: "GHSA-35jh-r3h4-6jhm",
    ecosystem: "npm",
    package: "lodash",
    aliases: ["CVE-2021-23337"],
    summary: "Command injection",
    events: [{ introduced: "0" }, { fixed: "4.17.21" }],
    severity: "HIGH",
  },
];

function setup(files: Record<string, string>, opts: { importedAt?: number; advisories?: OsvFixture[] } = {}): { root: string; dbDir: string } {
  const root = tempDir("tierci-audit-");
  dirs.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const dbDir = join(root, ".tierci", "osv");
  if (opts.advisories?.length !== 0)
    importOsv(dbDir, [writeOsvFolder(join(root, ".tierci", "src"), opts.advisories ?? ADVISORIES)], opts.importedAt ?? NOW - DAY);
  return { root, dbDir };
}

test("pinned vulnerable packages become one finding per vulnerability, at the file and line, with the fix", () => {
  const { root, dbDir } = setup({ "requirements.txt": "flask>=2\njinja2==2.11.2\nrequests==2.31.0\n" });
  const result = auditDependencies({ root, dbDir, maxAgeDays: 7, ignore: [], now: NOW });
  assert.deepEqual(
    result.report.findings.map((f) => [f.file, f.line, f.ruleId, f.hint]),
    [
      ["requirements.txt", 2, "GHSA-h5c8-rqwp-cp95", "upgrade jinja2 to >= 3.1.3"],
      ["requirements.txt", 2, "PYSEC-2021-66", "upgrade jinja2 to >= 2.11.3"],
    ],
  );
  const first = result.report.findings[0];
  assert.equal(first?.message, "jinja2 2.11.2: HTML attribute injection (CVE-2024-22195, PYSEC-2024-10) [MODERATE, CVSS 5.4]");
  assert.deepEqual(first?.properties?.["fixed"], ["3.1.3"]);
  assert.equal(first?.severity, "error");
  assert.deepEqual(
    result.report.rules.map((r) => [r.id, r.helpUri]),
    [
      ["GHSA-h5c8-rqwp-cp95", "https://osv.dev/vulnerability/GHSA-h5c8-rqwp-cp95"],
      ["PYSEC-2021-66", "https://osv.dev/vulnerability/PYSEC-2021-66"],
    ],
  );
  assert.equal(result.packages, 2);
  assert.deepEqual(
    result.notes.map((n) => n.line),
    [1],
  );
  assert.deepEqual(result.files, ["requirements.txt"]);
});

test("--ignore leaves out a vulnerability by its id or any alias", () => {
  const { root, dbDir } = setup({ "requirements.txt": "jinja2==2.11.2\n" });
  const result = auditDependencies({ root, dbDir, maxAgeDays: 7, ignore: ["cve-2024-22195", "PYSEC-2021-66"], now: NOW });
  assert.equal(result.report.findings.length, 0);
  assert.equal(result.ignored, 2);
});

test("npm lockfiles and Python files in subdirectories are audited together", () => {
  const { root, dbDir } = setup({
    "web/package-lock.json": JSON.stringify(
      {
        lockfileVersion: 3,
        packages: { "": {}, "node_modules/lodash": { version: "4.17.20", resolved: "https://registry.npmjs.org/lodash/-/lodash-4.17.20.tgz" } },
      },
      null,
      2,
    ),
    "web/node_modules/x/package-lock.json": "{ not read",
    "svc/poetry.lock": '[[package]]\nname = "Requests"\nversion = "2.25.0"\n',
    "svc/pyproject.toml": '[tool.poetry.dependencies]\nrequests = "^2.0"\n',
  });
  const result = auditDependencies({ root, dbDir, maxAgeDays: 7, ignore: [], now: NOW });
  assert.deepEqual(result.files, ["svc/poetry.lock", "web/package-lock.json"]);
  assert.deepEqual(
    result.report.findings.map((f) => [f.file, f.line, f.ruleId, f.hint]),
    [
      ["svc/poetry.lock", 2, "GHSA-j8r2-6x86-q33q", "upgrade Requests to >= 2.31.0"],
      ["web/package-lock.json", 5, "GHSA-35jh-r3h4-6jhm", "upgrade lodash to >= 4.17.21"],
    ],
  );
  assert.deepEqual(result.notes, [{ file: "svc/pyproject.toml", message: "pinned versions are read from poetry.lock beside it" }]);
});

test("clean dependencies and a repository without dependency files pass", () => {
  const clean = setup({ "requirements.txt": "jinja2==3.1.4\nrequests==2.2.0\n" });
  assert.equal(auditDependencies({ root: clean.root, dbDir: clean.dbDir, maxAgeDays: 7, ignore: [], now: NOW }).report.findings.length, 0);
  const empty = setup({ "README.md": "hi" });
  const result = auditDependencies({ root: empty.root, dbDir: empty.dbDir, maxAgeDays: 7, ignore: [], now: NOW });
  assert.deepEqual([result.files, result.report.findings], [[], []]);
});

test("a missing database, a missing ecosystem and a stale database are errors, never a pass", () => {
  const missing = setup({ "requirements.txt": "jinja2==2.11.2\n" }, { advisories: [] });
  assert.throws(
    () => auditDependencies({ root: missing.root, dbDir: missing.dbDir, maxAgeDays: 7, ignore: [], now: NOW }),
    (e: unknown) =>
      e instanceof OsvDatabaseError &&
      /no vulnerability database in .*run `tierci deps db import all\.zip`.*PyPI\/all\.zip on a machine with network/.test(e.message),
  );
  const pypiOnly = setup({ "yarn.lock": 'lodash@^4:\n  version "4.17.20"\n' }, { advisories: ADVISORIES.filter((a) => a.ecosystem !== "npm") });
  assert.throws(
    () => auditDependencies({ root: pypiOnly.root, dbDir: pypiOnly.dbDir, maxAgeDays: 7, ignore: [], now: NOW }),
    /has no npm advisories.*npm\/all\.zip/,
  );
  const stale = setup({ "requirements.txt": "jinja2==3.1.4\n" }, { importedAt: NOW - 8 * DAY });
  assert.throws(
    () => auditDependencies({ root: stale.root, dbDir: stale.dbDir, maxAgeDays: 7, ignore: [], now: NOW }),
    /PyPI advisories in .* are 8\.0 days old .*more than --max-age 7/,
  );
  assert.equal(auditDependencies({ root: stale.root, dbDir: stale.dbDir, maxAgeDays: 30, ignore: [], now: NOW }).report.findings.length, 0);
});
