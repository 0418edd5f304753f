// `tierci audit` on real repositories: trojan-source characters with file:line:col,
// tracked files .gitignore would ignore, large files, Markdown reports against a schema,
// usage errors, and tierci/audit@v1 failing its step.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { RunSummary } from "../../src/reports/run-summary.js";
import { repoFactory } from "./harness.js";

const repo = repoFactory();

const SCHEMA = `reports:
  - paths: ["reports/**/*.md"]
    required_headings: ["## Summary", "## Results"]
    required_sections_nonempty: true
    max_heading_depth: 3
`;

test("every kind of finding, each with its place; exit 1", () => {
  const r = repo({
    "src/check.js": `if (role !== "user\u202E \u2066// admin\u2069 \u2066") {\n  deny();\n}\n`,
    "src/ids.py": "user\u200Bname = 'x'\n",
    "dist/bundle.js": "built();\n",
    "data/prices.csv": "p\n".repeat(600),
    ".github/tierci-reports.yml": SCHEMA,
  });
  r.write({ ".gitignore": "dist/\nreports/\n", "reports/backtest.md": "# Backtest\n## Summary\n\n## Details\n#### Too deep\n" });
  r.commit("more");
  const res = r.cli("audit", "--max-size", "1KB");
  assert.equal(res.code, 1, res.stdout + res.stderr);
  for (const expected of [
    /^src\/check\.js:1:19: error: bidirectional control character U\+202E RIGHT-TO-LEFT OVERRIDE \(and 3 more on this line\) \[bidi-control\]$/m,
    /^src\/ids\.py:1:5: warning: invisible character U\+200B ZERO WIDTH SPACE \[zero-width-char\]$/m,
    /^dist\/bundle\.js: warning: the file is tracked, but \.gitignore would ignore it \[ignored-tracked\]$/m,
    /^ {2}hint: stop tracking it with 'git rm --cached dist\/bundle\.js'/m,
    /^data\/prices\.csv: warning: the file is 1\.2 KB, over the 1\.0 KB limit \[file-too-large\]$/m,
    /^reports\/backtest\.md:2:1: error: the '## Summary' section is empty \[report-empty-section\]$/m,
    /^reports\/backtest\.md: error: the report has no '## Results' heading \[report-missing-heading\]$/m,
    /^reports\/backtest\.md:5:1: warning: heading level 4 is deeper than the schema's maximum of 3 \[report-heading-depth\]$/m,
  ]) {
    assert.match(res.stdout, expected);
  }
  assert.match(res.stdout, /^7 audit finding\(s\) in 5 file\(s\)$/m);
});

test("a clean repository full of honest Unicode passes, exit 0", () => {
  const r = repo({
    "README.md": "# Trading bot\n\nCafé, naïve, 東京, عربي, emoji \u{1F469}\u200D\u{1F4BB}.\n",
    "src/app.py": "\uFEFFprint('ok')\n",
    ".gitignore": "*.log\n",
  });
  const res = r.cli("audit");
  assert.equal(res.code, 0, res.stdout);
  assert.match(res.stdout, /ok: no audit findings/);
});

test("--report-schema names the schema; --json and --sarif", () => {
  const r = repo({ "schemas/reports.yml": SCHEMA, "reports/r.md": "## Summary\nok\n## Results\n1\n" });
  const sarif = join(r.dir, "audit.sarif");
  const clean = r.cli("audit", "--report-schema", join(r.dir, "schemas/reports.yml"), "--json", "-", "--sarif", sarif);
  assert.equal(clean.code, 0, clean.stderr);
  assert.deepEqual(JSON.parse(clean.stdout), { gate: "audit", findings: [], count: 0 });
  r.write({ "reports/r.md": "## Summary\nok\n" });
  const bad = r.cli("audit", "--report-schema", join(r.dir, "schemas/reports.yml"), "--sarif", sarif);
  assert.equal(bad.code, 1);
  const log = JSON.parse(readFileSync(sarif, "utf8")) as {
    runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
  };
  assert.deepEqual(
    log.runs[0]?.results.map((x) => [x.ruleId, x.locations[0]?.physicalLocation.artifactLocation.uri]),
    [["report-missing-heading", "reports/r.md"]],
  );
});

test("bad usage exits 2 with a message", () => {
  const r = repo({ "a.txt": "a\n" });
  const size = r.cli("audit", "--max-size", "huge");
  assert.equal(size.code, 2);
  assert.match(size.stderr, /tierci: audit: 'huge' is not a size/);
  const schema = r.cli("audit", "--report-schema", join(r.dir, "missing.yml"));
  assert.equal(schema.code, 2);
  assert.match(schema.stderr, /report schema .*missing\.yml does not exist/);
  r.write({ "bad.yml": "reports:\n  - paths: oops\n" });
  const invalid = r.cli("audit", "--report-schema", join(r.dir, "bad.yml"));
  assert.equal(invalid.code, 2);
  assert.match(invalid.stderr, /bad\.yml:2:\d+: report 1: 'paths' must be a non-empty list/);
});

test("tierci/audit@v1 fails its step when the audit finds something", () => {
  const workflow = `on: push
jobs:
  audit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: tierci/audit@v1
        with:
          max-size: 1MB
`;
  const r = repo({ ".github/workflows/audit.yml": workflow, "src/a.py": "x = 1\n" });
  const ok = r.cli("run", "--offline", "--json", "-");
  assert.equal(ok.code, 0, ok.stderr);

  r.write({ "src/a.py": "x\u200B = 1\n" });
  r.commit("hide a character");
  const failed = r.cli("run", "--offline", "--json", "-");
  assert.equal(failed.code, 1);
  const job = (JSON.parse(failed.stdout) as RunSummary).jobs[0];
  assert.equal(job?.steps[1]?.conclusion, "failure");
  assert.match(job?.annotations.map((a) => a.message).join("\n") ?? "", /audit: 1 finding\(s\) in 1 file\(s\)/);
});
