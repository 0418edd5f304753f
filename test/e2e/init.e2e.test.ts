import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoFactory } from "./harness.js";

const makeRepo = repoFactory();

const PYTHON_PROJECT = {
  "pyproject.toml": '[project]\nname = "strategies"\nversion = "0.1.0"\n',
  "requirements.txt": "pytest\n",
  "strategies/__init__.py": "",
  "tests/test_basic.py": "def test_ok():\n    assert True\n",
};

test("init writes a lint-clean pipeline, then never overwrites without --force", () => {
  const repo = makeRepo(PYTHON_PROJECT);
  const first = repo.cli("init");
  assert.equal(first.code, 0, first.stderr);
  for (const f of ["lint", "security", "unit-tests", "integration", "smoke", "audit", "policy", "test-health", "nightly"]) {
    assert.ok(existsSync(join(repo.dir, ".github/workflows", `${f}.yml`)), f);
  }
  assert.ok(existsSync(join(repo.dir, ".github/tiers.yml")));
  assert.ok(existsSync(join(repo.dir, "docs/CI.md")));

  const lint = repo.cli("lint");
  assert.equal(lint.code, 0, lint.stdout + lint.stderr);
  assert.doesNotMatch(lint.stderr, /finding|error/);

  const lintFile = join(repo.dir, ".github/workflows/lint.yml");
  writeFileSync(lintFile, readFileSync(lintFile, "utf8").replace("timeout-minutes: 10", "timeout-minutes: 12"));
  const edited = readFileSync(lintFile, "utf8");
  const second = repo.cli("init");
  assert.equal(second.code, 0);
  assert.match(second.stdout, /skip \.github\/workflows\/lint\.yml/);
  assert.match(second.stdout, /^- {4}timeout-minutes: 12$/m);
  assert.match(second.stdout, /^\+ {4}timeout-minutes: 10$/m);
  assert.match(second.stderr, /skipped 1 file/);
  assert.equal(readFileSync(lintFile, "utf8"), edited);

  assert.equal(repo.cli("init", "--force").code, 0);
  assert.notEqual(readFileSync(lintFile, "utf8"), edited);
});

test("init asks for --template when the project is both Python and Node", () => {
  const repo = makeRepo({ "requirements.txt": "", "package.json": "{}" });
  assert.equal(repo.cli("init").code, 2);
  assert.equal(repo.cli("init", "--dry-run", "--template", "python").code, 0);
  assert.equal(existsSync(join(repo.dir, ".github/tiers.yml")), false);
});

test("hook install writes an executable marked hook; uninstall removes only ours", () => {
  const repo = makeRepo(PYTHON_PROJECT);
  const hook = join(repo.dir, ".git/hooks/pre-push");
  assert.equal(repo.cli("hook", "install").code, 0);
  assert.match(readFileSync(hook, "utf8"), /# tierci pre-push hook/);
  assert.ok((statSync(hook).mode & 0o111) !== 0);
  assert.equal(repo.cli("hook", "uninstall").code, 0);
  assert.equal(existsSync(hook), false);

  writeFileSync(hook, "#!/bin/sh\nexit 0\n");
  assert.equal(repo.cli("hook", "install").code, 1);
  assert.equal(repo.cli("hook", "uninstall").code, 1);
  assert.equal(readFileSync(hook, "utf8"), "#!/bin/sh\nexit 0\n");
  assert.equal(repo.cli("hook", "install", "--force").code, 0);
});
