// list and graph on a real repository, in every output format.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { TempRepo } from "./harness.js";

const r = new TempRepo({
  ".github/workflows/lint.yml": "name: Lint\non: [push, pull_request]\njobs:\n  ruff:\n    runs-on: ubuntu-latest\n    steps: [{ run: echo }]\n",
  ".github/workflows/test.yml": `name: Tests
on: push
jobs:
  unit:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        py: ["3.11", "3.12"]
    steps: [{ run: echo }]
  report:
    needs: unit
    runs-on: ubuntu-latest
    steps: [{ run: echo }]
`,
  ".github/tiers.yml": "tiers:\n  - name: gates\n    budget: 5m\n    workflows: [lint.yml]\n  - name: core\n    budget: 15m\n    workflows: [test.yml]\n",
});
after(() => r.remove());

test("list shows tier, workflow, jobs and events, as a table and as JSON", () => {
  const text = r.cli("list");
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^TIER\s+WORKFLOW\s+JOB\s+EVENTS\s+FILE/m);
  assert.match(text.stdout, /gates\s+Lint\s+ruff\s+push,pull_request/);
  assert.match(text.stdout, /core\s+Tests\s+unit \[matrix\]/);
  const json = JSON.parse(r.cli("list", "--json", "-").stdout) as { workflows: { tier: string; jobs: { id: string; needs: string[] }[] }[] };
  assert.deepEqual(
    json.workflows.map((w) => [w.tier, w.jobs.map((j) => j.id)]),
    [
      ["gates", ["ruff"]],
      ["core", ["unit", "report"]],
    ],
  );
});

test("graph draws tiers and needs edges as text, Mermaid and dot", () => {
  const text = r.cli("graph").stdout;
  assert.match(text, /\[tier 1\] gates[\s\S]*\[tier 2\] core/);
  assert.match(text, /report <- unit/);
  const mermaid = r.cli("graph", "--format", "mermaid").stdout;
  assert.match(mermaid, /^flowchart LR/);
  assert.match(mermaid, /test_yml__unit --> test_yml__report/);
  assert.match(mermaid, /tier1 ==> tier2/);
  const dot = r.cli("graph", "--format", "dot").stdout;
  assert.match(dot, /^digraph tierci \{/);
  assert.match(dot, /test_yml__unit -> test_yml__report;/);
  const bad = r.cli("graph", "--format", "svg");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /svg/);
});

test("an unknown option or command is a usage error (exit 2)", () => {
  assert.equal(r.cli("plan", "--bogus").code, 2);
  assert.equal(r.cli("frobnicate").code, 2);
});

test("--event-path pointing at a missing file exits 2 naming the file", () => {
  const res = r.cli("plan", "--event-path", "/nonexistent/event.json");
  assert.equal(res.code, 2);
  assert.match(res.stderr, /\/nonexistent\/event\.json/);
  assert.doesNotMatch(res.stderr, /internal error/);
});
