import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { DetectError, detectProject, detectTemplates } from "./detect.js";
import { initFiles } from "./files.js";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tierci-detect-"));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

test("python facts: name, dependency files, src-layout package, tests", () => {
  const dir = project({
    "pyproject.toml": '[project]\nname = "algo-trade"\n',
    "requirements-dev.txt": "pytest\n",
    "src/algo_trade/__init__.py": "",
    "tests/test_x.py": "",
  });
  const facts = detectProject(dir);
  assert.equal(facts.template, "python");
  assert.equal(facts.name, "algo-trade");
  assert.deepEqual(facts.dependencyFiles, ["requirements-dev.txt", "pyproject.toml"]);
  assert.equal(facts.module, "algo_trade");
  assert.equal(facts.sourceDir, "src/algo_trade");
  assert.equal(facts.installable, true);
  assert.deepEqual(facts.testDirs, ["tests"]);
});

test("both ecosystems or none need --template", () => {
  assert.deepEqual(detectTemplates(project({ "package.json": "{}", "requirements.txt": "" })), ["python", "node"]);
  assert.throws(() => detectProject(project({ "package.json": "{}", "requirements.txt": "" })), DetectError);
  assert.throws(() => detectProject(project({ "README.md": "" })), DetectError);
  assert.equal(detectProject(project({ "package.json": '{"name":"web"}' })).name, "web");
});

test("templates follow the facts: cache keys, installs, the matrix", () => {
  const facts = detectProject(project({ "requirements.txt": "requests\n", "setup.py": "" }));
  const files = initFiles(facts);
  const unit = files[".github/workflows/unit-tests.yml"] ?? "";
  assert.match(unit, /cache-dependency-path: \|\n {12}requirements\.txt\n {12}setup\.py\n/);
  assert.match(unit, /python -m pip install -r requirements\.txt/);
  assert.match(unit, /python -m pip install -e \./);
  assert.match(unit, /python-version: \["3\.10", "3\.11", "3\.12"\]/);
  assert.match(files[".github/tiers.yml"] ?? "", /budget: 5m[\s\S]*budget: 15m[\s\S]*budget: 20m/);
  for (const [path, text] of Object.entries(files)) {
    if (path.endsWith(".yml") && path.includes("workflows")) assert.match(text, /timeout-minutes/, path);
  }
});

test("the test matrix comes from requires-python or engines.node; one that allows nothing is an error naming the file", () => {
  assert.deepEqual(detectProject(project({ "pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.12"\n' })).pythonMatrix, {
    versions: ["3.12", "3.13", "3.14"],
    report: "3.13",
  });
  assert.deepEqual(detectProject(project({ "package.json": '{"engines":{"node":">=18 <23"}}' })).nodeMatrix, { versions: ["18", "20", "22"], report: "20" });
  const detectError = (pattern: RegExp) => (err: unknown) => err instanceof DetectError && pattern.test(err.message);
  assert.throws(
    () => detectProject(project({ "pyproject.toml": '[project]\nrequires-python = "<3.6"\n' })),
    detectError(/^pyproject\.toml: requires-python = "<3\.6" allows none/),
  );
  assert.throws(
    () => detectProject(project({ "package.json": '{"engines":{"node":">=99"}}' })),
    detectError(/^package\.json: engines\.node ">=99" allows none/),
  );
  assert.throws(
    () => detectProject(project({ "package.json": '{"engines":{"node":"soon"}}' })),
    detectError(/^package\.json: engines\.node "soon" is not a version range/),
  );
});
