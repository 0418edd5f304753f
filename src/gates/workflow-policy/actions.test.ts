import assert from "node:assert/strict";
import { test } from "node:test";
import { lines } from "../../workflow/checks/harness.js";
import { workflowPolicy } from "./index.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

function steps(...text: string[]): string {
  return lines("on: push", "permissions: {}", "jobs:", "  a:", "    runs-on: ubuntu-latest", "    timeout-minutes: 5", "    steps:", ...text);
}

function rule(yaml: string, id: string, files?: string[]): string[] {
  return workflowPolicy("w.yml", yaml, { files })
    .filter((f) => f.ruleId === id)
    .map((f) => `${f.line}:${f.message}`);
}

test("first-party, built-in, local and docker actions need no pin; third-party ones and workflows do", () => {
  const yaml = steps(
    "      - uses: actions/setup-node@v4",
    "      - uses: github/codeql-action/init@v3",
    "      - uses: tierci/audit@v1",
    "      - uses: ./.github/actions/build",
    "      - uses: docker://alpine:3",
    `      - uses: Pypa/gh-action-pypi-publish@${SHA.toUpperCase()}`,
    "      - uses: pypa/gh-action-pypi-publish@release/v1", // 14
  );
  assert.deepEqual(rule(yaml, "unpinned-action"), [
    "14:'pypa/gh-action-pypi-publish@release/v1' is a third-party action pinned to 'release/v1', a ref its owner can move to other code",
  ]);
  const call = lines("on: push", "permissions: {}", "jobs:", "  a:", "    uses: org/shared/.github/workflows/ci.yml@v2");
  assert.deepEqual(
    rule(call, "unpinned-action").map((r) => r.split(":")[0]),
    ["5"],
  );
});

test("actions/cache keys are checked per ecosystem against hashFiles patterns", () => {
  const cache = (path: string, key: string) => steps("      - uses: actions/cache@v4", "        with:", `          path: ${path}`, `          key: ${key}`);
  assert.deepEqual(rule(cache("~/.npm", "npm-${{ hashFiles('**/package-lock.json') }}"), "cache-key-lockfiles"), []);
  assert.deepEqual(rule(cache("~/.cache/pip", "pip-${{ hashFiles('poetry.lock', 'x') }}"), "cache-key-lockfiles"), []);
  assert.deepEqual(rule(cache("~/.cache/pip", "${{ hashFiles('**/*.lock') }}"), "cache-key-lockfiles"), [], "a glob that covers uv.lock counts");
  assert.equal(rule(cache("~/.npm", "npm-${{ hashFiles('**/requirements.txt') }}"), "cache-key-lockfiles").length, 1, "the wrong ecosystem's file");
  assert.equal(rule(cache("~/.npm", "npm-${{ hashFiles('**/package.json') }}"), "cache-key-lockfiles").length, 1, "a manifest is not a lock file");
  assert.deepEqual(rule(cache("~/.cargo", "cargo-${{ runner.os }}"), "cache-key-lockfiles"), [], "other caches are not judged");
});

test("setup-python and setup-node caches are judged against the repository's lock files", () => {
  const py = steps("      - uses: actions/setup-python@v5", "        with:", "          python-version: '3.12'", "          cache: pip");
  assert.deepEqual(rule(py, "cache-key-lockfiles", ["requirements.txt", "src/app.py"]), []);
  assert.deepEqual(rule(py, "cache-key-lockfiles"), [], "without a file list the rule cannot judge");
  assert.deepEqual(rule(py, "cache-key-lockfiles", ["requirements.txt", "requirements-dev.txt"]), [
    "11:actions/setup-python keys its pip cache on **/requirements.txt, **/pyproject.toml, which misses requirements-dev.txt",
  ]);
  assert.deepEqual(
    rule(py.replace("cache: pip", "cache: pip\n          cache-dependency-path: requirements*.txt"), "cache-key-lockfiles", ["requirements-dev.txt"]),
    [],
  );

  const node = steps("      - uses: actions/setup-node@v4", "        with:", "          cache: npm");
  assert.deepEqual(rule(node, "cache-key-lockfiles", ["package-lock.json"]), []);
  const [finding] = workflowPolicy("w.yml", node, { files: ["web/package-lock.json", "node_modules/x/package-lock.json"] }).filter(
    (f) => f.ruleId === "cache-key-lockfiles",
  );
  assert.match(finding?.message ?? "", /no such file/);
  assert.equal(finding?.hint, "set cache-dependency-path: web/package-lock.json");
});
