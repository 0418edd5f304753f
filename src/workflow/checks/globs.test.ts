import assert from "node:assert/strict";
import { test } from "node:test";
import { checkGlobs, pathProblem, refProblem, syntaxProblem } from "./globs.js";
import { brief, lines, runCheck } from "./harness.js";

test("malformed patterns and impossible refs or paths are errors on their own line", () => {
  const yaml = lines(
    "on:",
    "  push:",
    "    branches:",
    "      - 'feature/[ab'", // 4
    "      - 'has space'", // 5
    "    tags:",
    "      - '/v\\d+/'", // 7
    "      - 'v[9-0]'", // 8
    "    paths:",
    "      - '!'", // 10
    "      - './src/x.ts'", // 11
    "      - 'docs/ '", // 12
    "jobs:",
    "  a:",
    "    runs-on: ubuntu-latest",
    "    steps: [{run: echo}]",
  );
  assert.deepEqual(brief(runCheck(checkGlobs, yaml)), ["4:error", "5:error", "7:error", "8:error", "10:error", "11:error", "12:error"]);
});

test("a one-character class is only a warning", () => {
  const d = runCheck(checkGlobs, lines("on:", "  push:", "    branches: ['[x]']", "jobs: {}"));
  assert.deepEqual(brief(d), ["3:warning"]);
});

test("valid patterns, including the shorthand of a single string, report nothing", () => {
  const yaml = lines(
    "on:",
    "  push:",
    "    branches: ['**', 'release/v*', '!release/v1*', 'feature/\\*star']",
    "    tags: 'v[0-9]+.[0-9]+.*'",
    "    paths: ['docs/**/*.md', '!**/*.txt', '.github/workflows/*.yml']",
    "  image_version:",
    "    names: [MyImage]",
    "    versions: ['1.*']",
    "jobs: {}",
  );
  assert.deepEqual(runCheck(checkGlobs, yaml), []);
});

test("the pattern helpers explain the problem", () => {
  assert.match(syntaxProblem("a[b")?.message ?? "", /never closed/);
  assert.equal(syntaxProblem("a[bc]"), undefined);
  assert.match(refProblem("a~b") ?? "", /'~'/);
  assert.equal(refProblem("releases/**"), undefined);
  assert.match(pathProblem("../x") ?? "", /'\.\.'/);
  assert.equal(pathProblem("src/**"), undefined);
});
