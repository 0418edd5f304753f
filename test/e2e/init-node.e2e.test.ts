import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { LTS_MAJORS } from "../../src/init/node-versions.js";
import type { RunSummary } from "../../src/reports/run-summary.js";
import { repoFactory } from "./harness.js";

const makeRepo = repoFactory();

/** A lock file with no packages: `npm ci` has nothing to fetch, so jobs run offline. */
function lockfile(name: string): string {
  return `${JSON.stringify({ name, version: "1.0.0", lockfileVersion: 3, requires: true, packages: { "": { name, version: "1.0.0" } } }, null, 2)}\n`;
}

function nodeProject(engines?: string): Record<string, string> {
  const pkg = {
    name: "tiny",
    version: "1.0.0",
    private: true,
    type: "module",
    main: "index.js",
    ...(engines !== undefined ? { engines: { node: engines } } : {}),
    scripts: { lint: "node --check index.js", test: "node --test" },
  };
  return {
    "package.json": `${JSON.stringify(pkg, null, 2)}\n`,
    "package-lock.json": lockfile("tiny"),
    "index.js": "export const ok = true;\n",
    "test/ok.test.js":
      'import assert from "node:assert/strict";\nimport test from "node:test";\nimport { ok } from "../index.js";\n\ntest("ok", () => assert.equal(ok, true));\n',
  };
}

const WORKFLOWS = ["lint", "security", "unit-tests", "integration", "smoke", "audit", "policy", "test-health", "nightly"];

test("init on a Node project writes a lint-clean pipeline that plans in tiers and is never overwritten without --force", () => {
  const repo = makeRepo(nodeProject());
  const first = repo.cli("init");
  assert.equal(first.code, 0, first.stderr);
  for (const f of WORKFLOWS) assert.ok(existsSync(join(repo.dir, ".github/workflows", `${f}.yml`)), f);
  assert.ok(existsSync(join(repo.dir, ".github/tiers.yml")));
  assert.match(readFileSync(join(repo.dir, "docs/CI.md"), "utf8"), /^# CI for tiny/);

  const lint = repo.cli("lint");
  assert.equal(lint.code, 0, lint.stdout + lint.stderr);
  assert.doesNotMatch(lint.stdout + lint.stderr, /finding|error|warning/);

  const plan = repo.cli("plan", "--event", "push", "--json", "-");
  assert.equal(plan.code, 0, plan.stderr);
  const tiers = (JSON.parse(plan.stdout) as { tiers: { name: string; workflows: { file: string; fired: boolean }[] }[] }).tiers;
  assert.deepEqual(
    tiers.map((t) => t.name),
    ["fast-gates", "core-ci", "deep-validation"],
  );
  const fired = tiers.flatMap((t) => t.workflows.filter((w) => w.fired).map((w) => w.file.replace(/^.*\//, "")));
  assert.deepEqual(fired.sort(), ["audit.yml", "integration.yml", "lint.yml", "security.yml", "smoke.yml", "unit-tests.yml"]);

  const lintFile = join(repo.dir, ".github/workflows/lint.yml");
  writeFileSync(lintFile, readFileSync(lintFile, "utf8").replace("timeout-minutes: 10", "timeout-minutes: 12"));
  const edited = readFileSync(lintFile, "utf8");
  const second = repo.cli("init");
  assert.equal(second.code, 0);
  assert.match(second.stdout, /skip \.github\/workflows\/lint\.yml/);
  assert.match(second.stderr, /skipped 1 file/);
  assert.equal(readFileSync(lintFile, "utf8"), edited);
});

test("--template node is taken; an unknown template is a usage error naming both", () => {
  const repo = makeRepo({ "requirements.txt": "", "package.json": '{"name":"both"}\n' });
  const node = repo.cli("init", "--dry-run", "--template", "node");
  assert.equal(node.code, 0, node.stderr);
  assert.match(node.stdout, /would create \.github\/workflows\/unit-tests\.yml/);
  const unknown = repo.cli("init", "--template", "rust");
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /python.*node/);
});

// Pinning engines to the Node running the tests makes the matrix one version this machine has.
const major = Number(process.versions.node.split(".")[0]);

test(
  "the generated lint, unit-test and smoke workflows pass on a tiny project",
  { skip: !LTS_MAJORS.includes(major) && `Node ${major} is not an LTS line` },
  () => {
    const repo = makeRepo(nodeProject(`${major}.x`));
    assert.equal(repo.cli("init").code, 0);
    for (const w of ["lint", "unit-tests", "smoke"]) {
      const res = repo.cli("run", "--offline", "--event", "push", "-W", `.github/workflows/${w}.yml`, "--json", "-");
      assert.equal(res.code, 0, `${w}\n${res.stdout}\n${res.stderr}`);
      const summary = JSON.parse(res.stdout) as RunSummary;
      assert.equal(summary.status, "success", w);
      if (w === "unit-tests") assert.equal(summary.tests?.passed, 1, "the JUnit report reached the run summary");
    }
  },
);
