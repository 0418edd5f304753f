// `tierci lint` with the workflow policy: findings with file:line, exit 1 for findings and
// 2 for invalid workflows, --strict, suppression comments, JSON and SARIF.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoFactory } from "./harness.js";

const repo = repoFactory();

const compliant = `on: [push, pull_request]
permissions:
  contents: read
concurrency:
  group: ci-\${{ github.ref }}
  cancel-in-progress: true
jobs:
  test:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
          cache: pip
      - run: pip install -r requirements.txt && pytest
`;

const careless = `on: pull_request_target
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: \${{ github.event.pull_request.head.sha }}
      - uses: some/action@v1
      - run: echo "\${{ github.event.pull_request.title }}"
`;

test("a workflow that meets the policy lints clean", () => {
  const r = repo({ ".github/workflows/ci.yml": compliant, "requirements.txt": "pytest\n" });
  const res = r.cli("lint");
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stdout, /ok: 1 workflow file\(s\) are valid and meet the workflow policy/);
});

test("policy findings: exit 1, each with file:line:col, rule id and hint; injection reported once", () => {
  const r = repo({ ".github/workflows/pr.yml": careless });
  const res = r.cli("lint");
  assert.equal(res.code, 1, res.stderr);
  const lines = res.stderr.split("\n");
  for (const expected of [
    /^\.github\/workflows\/pr\.yml:1:5: warning: .* \[missing-concurrency\]$/,
    /^\.github\/workflows\/pr\.yml:3:3: warning: job 'test' runs with the default GITHUB_TOKEN permissions.* \[missing-permissions\]$/,
    /^\.github\/workflows\/pr\.yml:3:3: warning: .* \[missing-timeout\]$/,
    /^\.github\/workflows\/pr\.yml:8:16: error: .* \[untrusted-checkout\]$/,
    /^\.github\/workflows\/pr\.yml:9:15: warning: 'some\/action@v1' .* \[unpinned-action\]$/,
    /^\.github\/workflows\/pr\.yml:10:\d+: error: github\.event\.pull_request\.title .* \[template-injection\]$/,
  ]) {
    assert.ok(
      lines.some((l) => expected.test(l)),
      `${expected}\n${res.stderr}`,
    );
  }
  assert.doesNotMatch(res.stderr, /\[script-injection\]/, "the validation warning is not repeated");
  assert.match(res.stderr, /^ {2}hint: /m);
  assert.match(res.stderr, /6 policy finding\(s\) in 1 file\(s\)/);
});

test("--strict reports findings as errors; suppression comments silence them", () => {
  const r = repo({
    ".github/workflows/ci.yml": compliant
      .replace("    timeout-minutes: 15\n", "")
      .replace("      - run: pip", "      - uses: some/action@v1\n      - run: pip"),
    "requirements.txt": "pytest\n",
  });
  const strict = r.cli("lint", "--strict");
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /ci\.yml:8:3: error: .*\[missing-timeout\]/);
  assert.match(strict.stderr, /ci\.yml:16:15: error: .*\[unpinned-action\]/);

  r.write({
    ".github/workflows/ci.yml": `# tierci: ignore[missing-timeout]\n${compliant.replace("    timeout-minutes: 15\n", "").replace("      - run: pip", "      # tierci: ignore[unpinned-action]\n      - uses: some/action@v1\n      - run: pip")}`,
  });
  const quiet = r.cli("lint", "--strict");
  assert.equal(quiet.code, 0, quiet.stderr);
});

test("an invalid workflow exits 2 even when it also has policy findings", () => {
  const r = repo({ ".github/workflows/bad.yml": careless.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    stepz: []") });
  const res = r.cli("lint");
  assert.equal(res.code, 2);
  assert.match(res.stderr, /bad\.yml:\d+:\d+: error: /);
});

test("the repository's lock files decide whether setup-python's cache key covers them", () => {
  const r = repo({ ".github/workflows/ci.yml": compliant, "requirements.txt": "pytest\n", "requirements-dev.txt": "ruff\n" });
  const res = r.cli("lint");
  assert.equal(res.code, 1);
  assert.match(res.stderr, /ci\.yml:16:18: warning: actions\/setup-python keys its pip cache .* misses requirements-dev\.txt \[cache-key-lockfiles\]/);
  assert.match(res.stderr, /hint: set cache-dependency-path to these files, one per line: requirements-dev\.txt, requirements\.txt/);
});

test("--json keeps the validation diagnostics and adds findings; --sarif writes both", () => {
  const r = repo({ ".github/workflows/pr.yml": careless });
  const res = r.cli("lint", "--json", "-", "--sarif", join(r.dir, "lint.sarif"));
  assert.equal(res.code, 1);
  const json = JSON.parse(res.stdout) as { files: number; diagnostics: unknown[]; findings: { ruleId: string; file: string; line: number }[] };
  assert.equal(json.files, 1);
  assert.ok(Array.isArray(json.diagnostics));
  assert.ok(json.findings.some((f) => f.ruleId === "untrusted-checkout" && f.file === ".github/workflows/pr.yml" && f.line === 8));
  const sarif = JSON.parse(readFileSync(join(r.dir, "lint.sarif"), "utf8")) as {
    version: string;
    runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string }[] }[];
  };
  assert.equal(sarif.version, "2.1.0");
  assert.ok(sarif.runs[0]?.tool.driver.rules.some((x) => x.id === "secrets-untrusted-trigger"));
  assert.ok(sarif.runs[0]?.results.some((x) => x.ruleId === "template-injection" && x.level === "error"));
});
