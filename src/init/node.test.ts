import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parse } from "yaml";
import { detectProject, type ProjectFacts } from "./detect.js";
import { initFiles } from "./files.js";
import { TIERS } from "./tiers-file.js";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function nodeProject(pkg: object, lockfile = true): ProjectFacts {
  const dir = mkdtempSync(join(tmpdir(), "tierci-node-"));
  dirs.push(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg));
  if (lockfile) writeFileSync(join(dir, "package-lock.json"), '{"lockfileVersion":3,"packages":{}}');
  return detectProject(dir);
}

function workflow(facts: ProjectFacts, name: string): string {
  return initFiles(facts)[`.github/workflows/${name}`] ?? "";
}

test("node facts: engines, devDependencies and main from package.json", () => {
  const facts = nodeProject({ name: "web", main: "lib/index.js", engines: { node: ">=20" }, devDependencies: { vitest: "1", eslint: "9" } });
  assert.equal(facts.template, "node");
  assert.equal(facts.engines, ">=20");
  assert.deepEqual(facts.devDependencies, ["eslint", "vitest"]);
  assert.equal(facts.main, "lib/index.js");
  assert.deepEqual(facts.dependencyFiles, ["package.json", "package-lock.json"]);
});

test("every workflow is valid YAML with permissions, concurrency and a timeout on every job", () => {
  const files = initFiles(
    nodeProject({ name: "web", scripts: { test: "jest", "test:integration": "jest -c int.js" }, devDependencies: { "jest-junit": "16" } }),
  );
  const names = Object.keys(files)
    .filter((p) => p.startsWith(".github/workflows/"))
    .map((p) => p.slice(".github/workflows/".length));
  assert.deepEqual(names.sort(), TIERS.flatMap((t) => t.workflows).sort());
  for (const name of names) {
    const doc = parse(files[`.github/workflows/${name}`] ?? "") as {
      permissions?: unknown;
      concurrency?: { "cancel-in-progress"?: boolean };
      jobs: Record<string, { "timeout-minutes"?: number }>;
    };
    assert.deepEqual(doc.permissions, { contents: "read" }, name);
    assert.equal(doc.concurrency?.["cancel-in-progress"], true, name);
    for (const [id, job] of Object.entries(doc.jobs)) assert.ok((job["timeout-minutes"] ?? 0) > 0, `${name} ${id}`);
  }
  assert.ok(files["docs/CI.md"]?.startsWith("# CI for web"));
});

test("lint prefers the project's scripts; else the installed tools; else says there is nothing", () => {
  const scripted = workflow(
    nodeProject({ scripts: { lint: "eslint . && prettier -c .", typecheck: "tsc -p ." }, devDependencies: { prettier: "3" } }),
    "lint.yml",
  );
  assert.match(scripted, /run: npm run lint\n/);
  assert.doesNotMatch(scripted, /npx prettier/);
  assert.match(scripted, /continue-on-error: true\n {8}run: npm run typecheck/);

  const tools = workflow(nodeProject({ devDependencies: { eslint: "9", prettier: "3", typescript: "5" } }), "lint.yml");
  assert.match(tools, /run: npx eslint \./);
  assert.match(tools, /run: npx prettier --check \./);
  assert.match(tools, /continue-on-error: true\n {8}run: npx tsc --noEmit/);

  assert.match(workflow(nodeProject({}), "lint.yml"), /nothing to check/);
});

test("npm ci and the npm cache need the lock file", () => {
  const locked = workflow(nodeProject({ scripts: { test: "node --test" } }), "unit-tests.yml");
  assert.match(locked, /run: npm ci\n/);
  assert.match(locked, /cache: npm\n {10}cache-dependency-path: package-lock\.json/);
  const unlocked = nodeProject({ scripts: { test: "node --test" } }, false);
  assert.match(workflow(unlocked, "unit-tests.yml"), /run: npm install\n/);
  assert.doesNotMatch(workflow(unlocked, "unit-tests.yml"), /cache: npm/);
  assert.match(workflow(unlocked, "security.yml"), /npm install --package-lock-only/);
});

test("the unit matrix follows engines and only the report version writes reports", () => {
  const unit = workflow(nodeProject({ engines: { node: ">=18 <23" }, scripts: { test: "node --test test/" } }), "unit-tests.yml");
  assert.match(unit, /node-version: \["18", "20", "22"\]/);
  assert.match(unit, /fail-fast: false/);
  assert.match(
    unit,
    /if: matrix\.node-version == '20'\n {8}env:\n {10}NODE_OPTIONS: ".*--test-reporter=junit --test-reporter-destination=reports\/junit\.xml"/,
  );
  assert.match(unit, /if: always\(\) && matrix\.node-version == '20'/);
});

test("report flags follow the test runner, and an unknown runner gets plain npm test", () => {
  const jest = workflow(nodeProject({ scripts: { test: "jest" }, devDependencies: { "jest-junit": "16" } }), "unit-tests.yml");
  assert.match(jest, /npm test -- --ci --coverage .*--coverageReporters=cobertura .*--reporters=jest-junit/);
  assert.match(jest, /JEST_JUNIT_OUTPUT_DIR: "reports"/);
  const vitest = workflow(nodeProject({ scripts: { test: "vitest run" }, devDependencies: { "@vitest/coverage-v8": "1" } }), "unit-tests.yml");
  assert.match(vitest, /--reporter=junit --outputFile\.junit=reports\/junit\.xml --coverage\.enabled/);
  const chained = workflow(nodeProject({ scripts: { test: "jest && eslint ." } }), "unit-tests.yml");
  assert.doesNotMatch(chained, /--coverage|matrix\.node-version ==/);
  assert.match(chained, /run: npm test\n/);
});

test("a missing script becomes a step that says so and passes", () => {
  const facts = nodeProject({ main: "index.js" });
  assert.match(
    workflow(facts, "integration.yml"),
    /# Add a "test:integration" script[^\n]*\n {6}- name: npm run test:integration\n {8}run: echo "no test:integration script in package\.json; nothing to run"/,
  );
  assert.match(workflow(facts, "unit-tests.yml"), /no test script in package\.json/);
  assert.match(workflow(facts, "smoke.yml"), /node -e "import\('\.\/index\.js'\)"/);
  const withScript = workflow(nodeProject({ scripts: { "test:integration": "node it.js" } }), "integration.yml");
  assert.match(withScript, /run: npm run test:integration\n/);
  assert.match(withScript, /if: failure\(\)[\s\S]*retention-days: 7/);
});

test("security: gitleaks over the full history, npm audit kept 30 days, static lint only from the project's script", () => {
  const plain = workflow(nodeProject({}), "security.yml");
  assert.match(plain, /fetch-depth: 0\n[\s\S]*# tierci: ignore\[unpinned-action\]\n {8}uses: gitleaks\/gitleaks-action@v2/);
  assert.match(plain, /npm audit --audit-level=high[\s\S]*retention-days: 30/);
  assert.doesNotMatch(plain, /static:/);
  assert.match(workflow(nodeProject({ scripts: { "lint:security": "eslint -c sec.js ." } }), "security.yml"), /static:[\s\S]*run: npm run lint:security/);
});

test("tier 3: strict audit, weekly health kept 90 days, nightly with typed inputs", () => {
  const facts = nodeProject({ engines: { node: "^20 || ^22" }, scripts: { test: "node --test", "test:slow": "node --test slow/" } });
  assert.match(workflow(facts, "audit.yml"), /Repository audit[\s\S]*npm audit --audit-level=low/);
  const health = workflow(facts, "test-health.yml");
  assert.match(health, /cron: "0 4 \* \* 1"\n {2}workflow_dispatch:/);
  assert.match(health, /junit-history-\$\{\{ github\.run_id \}\}[\s\S]*retention-days: 90/);
  const nightly = workflow(facts, "nightly.yml");
  assert.match(nightly, /type: choice\n {8}options: \["20", "22"\]\n {8}default: "22"/);
  assert.match(nightly, /type: string\n {8}default: test:slow/);
  assert.match(nightly, /SCRIPT: \$\{\{ inputs\.script \|\| 'test:slow' \}\}/);
});

test("docs/CI.md describes this project's checks and the Node troubleshooting", () => {
  const doc =
    initFiles(nodeProject({ name: "web", engines: { node: ">=20" }, scripts: { test: "vitest" }, devDependencies: { eslint: "9" } }, false))["docs/CI.md"] ??
    "";
  assert.match(doc, /\| fast-gates \| 5 min \| lint\.yml, security\.yml \| eslint;/);
  assert.match(doc, /`npm test` on Node 20\/22\/24 \(JUnit on 22\)/);
  assert.match(doc, /no static security lint/);
  for (const topic of ["Missing Node version", "npm registry offline", "Cache misses", "A tier never starts", "Reading the results"])
    assert.match(doc, new RegExp(topic));
  assert.match(doc, /there is no `package-lock\.json`/);
});
