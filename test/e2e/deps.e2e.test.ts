// `tierci deps` on real repositories through the real CLI: importing the OSV database from a
// folder and from an all.zip, auditing, the database errors, and the built-in action in a run.
import assert from "node:assert/strict";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { tempDir } from "../support/git-repo.js";
import { osvRecord, writeOsvFolder, type OsvFixture } from "../support/osv-fixtures.js";
import { makeZip } from "../support/zip-writer.js";
import { repoFactory } from "./harness.js";

const repo = repoFactory();
const scratch = tempDir("tierci-deps-e2e-");
after(() => rmSync(scratch, { recursive: true, force: true }));

const PYPI: OsvFixture[] = [
  {
    id: "GHSA-h5c8-rqwp-cp95",
    package: "Jinja2",
    aliases: ["CVE-2024-22195"],
    summary: "Jinja vulnerable to HTML attribute injection",
    events: [{ introduced: "0" }, { fixed: "3.1.3" }],
    severity: "MODERATE",
  },
  {
    id: "PYSEC-2023-74",
    package: "requests",
    aliases: ["CVE-2023-32681"],
    summary: "Proxy-Authorization header leak",
    events: [{ introduced: "2.3.0" }, { fixed: "2.31.0" }],
  },
];
const NPM: OsvFixture[] = [
  {
    id: "GHSA-35jh-r3h4-6jhm",
    ecosystem: "npm",
    package: "lodash",
    summary: "Command injection in lodash",
    events: [{ introduced: "0" }, { fixed: "4.17.21" }],
    severity: "HIGH",
  },
];
const pypiFolder = writeOsvFolder(join(scratch, "pypi"), PYPI);
const npmZip = join(scratch, "npm-all.zip");
writeFileSync(npmZip, makeZip(NPM.map((f) => ({ name: `${f.id}.json`, data: JSON.stringify(osvRecord(f)) }))));

test("a vulnerable pinned requirement fails the audit (exit 1) with the fixed version; a clean one passes", () => {
  const r = repo({ "requirements.txt": "jinja2==2.11.2\nrequests==2.31.0\nflask>=2\n" });
  const imported = r.cli("deps", "db", "import", pypiFolder);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /imported PyPI: 2 advisories for 2 packages/);

  const res = r.cli("deps", "audit");
  assert.equal(res.code, 1, res.stdout + res.stderr);
  assert.match(
    res.stdout,
    /requirements\.txt:1: error: jinja2 2\.11\.2: Jinja vulnerable to HTML attribute injection \(CVE-2024-22195\) \[MODERATE\] \[GHSA-h5c8-rqwp-cp95\]/,
  );
  assert.match(res.stdout, /hint: upgrade jinja2 to >= 3\.1\.3/);
  assert.match(res.stdout, /requirements\.txt:3: note: cannot audit unpinned flask/);
  assert.match(res.stdout, /1 known vulnerability in 1 of 2 pinned package version\(s\) from 1 file\(s\)/);

  r.write({ "requirements.txt": "jinja2==3.1.3\nrequests==2.31.0\n" });
  const clean = r.cli("deps", "audit");
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  assert.match(clean.stdout, /ok: no known vulnerabilities in 2 pinned package version\(s\)/);
  assert.equal(r.git("status", "--porcelain"), "M requirements.txt", "the database stays out of git's sight");
});

test("JSON and SARIF reports, --ignore, and an npm database imported from an all.zip", () => {
  const r = repo({ "package-lock.json": JSON.stringify({ lockfileVersion: 3, packages: { "": {}, "node_modules/lodash": { version: "4.17.20" } } }, null, 2) });
  const db = join(scratch, "shared-db");
  const imported = r.cli("deps", "db", "import", npmZip, "--db", db);
  assert.equal(imported.code, 0, imported.stderr);
  const sarifPath = join(scratch, "deps.sarif");
  const res = r.cli("deps", "audit", "--db", db, "--json", "-", "--sarif", sarifPath);
  assert.equal(res.code, 1, res.stderr);
  const json = JSON.parse(res.stdout) as {
    gate: string;
    count: number;
    findings: { ruleId: string; file: string; line: number; hint: string; properties: { fixed: string[] } }[];
  };
  assert.equal(json.gate, "deps-audit");
  assert.deepEqual(
    json.findings.map((f) => [f.ruleId, f.file, f.line, f.hint, f.properties.fixed]),
    [["GHSA-35jh-r3h4-6jhm", "package-lock.json", 5, "upgrade lodash to >= 4.17.21", ["4.17.21"]]],
  );
  const sarif = JSON.parse(readFileSync(sarifPath, "utf8")) as { version: string; runs: { results: { ruleId: string; locations: unknown[] }[] }[] };
  assert.equal(sarif.version, "2.1.0");
  assert.equal(sarif.runs[0]?.results[0]?.ruleId, "GHSA-35jh-r3h4-6jhm");

  const ignored = r.cli("deps", "audit", "--db", db, "--ignore", "GHSA-35jh-r3h4-6jhm");
  assert.equal(ignored.code, 0, ignored.stdout);
  assert.match(ignored.stdout, /1 ignored/);

  const status = r.cli("deps", "db", "status", "--db", db, "--json", "-");
  assert.equal(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as { ecosystems: { ecosystem: string; advisories: number; stale: boolean; sources: string[] }[] };
  assert.deepEqual(
    s.ecosystems.map((e) => [e.ecosystem, e.advisories, e.stale, e.sources]),
    [["npm", 1, false, [npmZip]]],
  );
});

test("a missing or stale database is exit 2 with what to do, never a pass", async () => {
  const r = repo({ "requirements.txt": "jinja2==3.1.3\n" });
  const missing = r.cli("deps", "audit");
  assert.equal(missing.code, 2);
  assert.match(
    missing.stderr,
    /no vulnerability database in .*: run `tierci deps db import all\.zip` \(download https:\/\/osv-vulnerabilities\.storage\.googleapis\.com\/PyPI\/all\.zip on a machine with network\)/,
  );
  assert.equal(r.cli("deps", "db", "status").code, 2);

  assert.equal(r.cli("deps", "db", "import", pypiFolder).code, 0);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const stale = r.cli("deps", "audit", "--max-age", "0.0000001");
  assert.equal(stale.code, 2);
  assert.match(stale.stderr, /PyPI advisories in .* days old .*more than --max-age 1e-7: import a fresh export/);
  assert.match(r.cli("deps", "db", "status", "--max-age", "0.0000001").stdout, /PyPI\s+2 advisories\s+2 packages .*stale/);

  const npmMissing = repo({ "yarn.lock": 'lodash@^4.17.0:\n  version "4.17.20"\n' });
  assert.equal(npmMissing.cli("deps", "db", "import", pypiFolder).code, 0);
  const noNpm = npmMissing.cli("deps", "audit");
  assert.equal(noNpm.code, 2);
  assert.match(noNpm.stderr, /has no npm advisories/);

  assert.equal(r.cli("deps", "audit", "--max-age", "-1").code, 2);
  assert.equal(r.cli("deps", "db", "import", join(scratch, "nothing-here.zip")).code, 2);
});

test("uses: tierci/deps-audit@v1 fails its step with one error line per finding", () => {
  const r = repo({
    "requirements.txt": "jinja2==2.11.2\nrequests==2.25.0\n",
    ".github/workflows/security.yml": `name: Security
on: push
jobs:
  deps:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - uses: actions/checkout@v4
      - id: audit
        uses: tierci/deps-audit@v1
        with:
          sarif: deps.sarif
      - if: always()
        run: echo "vulnerabilities=\${{ steps.audit.outputs.vulnerabilities }}"
`,
  });
  assert.equal(r.cli("deps", "db", "import", pypiFolder).code, 0);
  const res = r.cli("run", "--offline", "--json", "-");
  assert.equal(res.code, 1, res.stderr);
  const summary = JSON.parse(res.stdout) as {
    jobs: { conclusion: string; steps: { name: string; conclusion: string }[]; annotations: { level: string; message: string }[] }[];
  };
  const job = summary.jobs[0];
  assert.equal(job?.conclusion, "failure");
  assert.equal(job?.steps.find((s) => s.name.includes("deps-audit"))?.conclusion, "failure");
  const errors =
    job?.annotations
      .filter((a) => a.level === "error")
      .map((a) => a.message)
      .join("\n") ?? "";
  assert.match(errors, /^requirements\.txt:1: GHSA-h5c8-rqwp-cp95: jinja2 2\.11\.2: .*; upgrade jinja2 to >= 3\.1\.3$/m);
  assert.match(errors, /^requirements\.txt:2: PYSEC-2023-74: requests 2\.25\.0: .*; upgrade requests to >= 2\.31\.0$/m);
});
