import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDuration, parseDuration } from "./duration.js";
import { UNLISTED_TIER } from "./tier-defaults.js";
import { readTiers } from "./tiers.js";
import { parseYamlSource } from "./yaml-tree.js";

const files = ["lint.yml", "test.yml", "deep.yml"];

function read(text: string) {
  return readTiers(parseYamlSource(".github/tiers.yml", text), files);
}

test("budgets parse with units and refuse bare numbers", () => {
  assert.equal(parseDuration("5m"), 300_000);
  assert.equal(parseDuration("1h30m"), 5_400_000);
  assert.equal(parseDuration("90s"), 90_000);
  assert.equal(parseDuration("250ms"), 250);
  assert.equal(parseDuration("5"), undefined);
  assert.equal(parseDuration("five minutes"), undefined);
  assert.equal(formatDuration(300_000), "5m");
  assert.equal(formatDuration(90_000), "1m30s");
});

test("listed workflows keep their order and the rest form a last tier", () => {
  const r = read("tiers:\n  - name: fast\n    budget: 5m\n    workflows: [lint.yml]\n  - name: core\n    workflows: [test.yml]\n");
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(
    r.tiers.map((t) => [t.name, t.budgetMs, t.workflows]),
    [
      ["fast", 300_000, ["lint.yml"]],
      ["core", undefined, ["test.yml"]],
      [UNLISTED_TIER, undefined, ["deep.yml"]],
    ],
  );
});

test("errors carry their line: unknown workflow, a workflow in two tiers, a bad budget, unknown keys", () => {
  const r = read(`tiers:
  - name: fast
    budget: soon
    workflows: [lint.yml, nope.yml]
  - name: core
    workflows: [lint.yml]
    retries: 2
`);
  const lines = r.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).sort();
  assert.deepEqual(lines, [
    "3:13 invalid budget 'soon' for tier 'fast'",
    "4:27 tier 'fast' names unknown workflow 'nope.yml'",
    "6:17 workflow 'lint.yml' is in tier 'fast' and in tier 'core'",
    "7:5 unknown key 'retries' in a tier",
  ]);
  assert.ok(r.diagnostics.every((d) => d.hint && d.file === ".github/tiers.yml"));
});

test("a tiers.yml that is not a mapping with a list is refused, as is broken YAML", () => {
  assert.match(read("- lint.yml\n").diagnostics[0]?.message ?? "", /mapping with a `tiers:` list/);
  assert.equal(read("tiers: [\n").diagnostics[0]?.rule, "syntax");
  assert.match(read("tiers:\n  - budget: 5m\n    workflows: [lint.yml]\n").diagnostics[0]?.message ?? "", /no name/);
});

test("report globs: top-level replaces the defaults per kind, a tier can set its own", () => {
  const r = read(`reports:
  junit: ["out/junit.xml"]
tiers:
  - name: fast
    workflows: [lint.yml]
  - name: core
    workflows: [test.yml]
    reports:
      coverage: ["cov/*.xml"]
`);
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.reports.junit, ["out/junit.xml"]);
  assert.ok(r.reports.coverage.includes("**/coverage.xml"), "kinds not given keep their defaults");
  assert.equal(r.tiers[0]?.reports, undefined);
  assert.deepEqual(r.tiers[1]?.reports?.coverage, ["cov/*.xml"]);
  assert.deepEqual(r.tiers[1]?.reports?.junit, ["out/junit.xml"]);
  assert.match(read("reports:\n  html: [x]\ntiers: []\n").diagnostics[0]?.message ?? "", /unknown report kind 'html'/);
});

test("reuse: a mode for everything, per workflow or per job; unknown names and modes are errors at their line", () => {
  const all = read("reuse: exact\ntiers: []\n");
  assert.deepEqual(all.reuse, { all: "exact", workflows: {} });
  const some = read("reuse:\n  test.yml: exact\n  lint.yml: {lint: exact, mypy: off}\ntiers: []\n");
  assert.deepEqual(some.diagnostics, []);
  assert.deepEqual(some.reuse.workflows, { "test.yml": "exact", "lint.yml": { lint: "exact", mypy: "off" } });
  const bad = read("reuse:\n  nope.yml: exact\n  test.yml: always\ntiers: []\n");
  assert.deepEqual(
    bad.diagnostics.map((d) => [d.line, d.message]),
    [
      [2, "reuse names unknown workflow 'nope.yml'"],
      [3, "unknown reuse mode for test.yml"],
    ],
  );
});
