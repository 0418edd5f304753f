import assert from "node:assert/strict";
import { test } from "node:test";
import { brief, lines, runCheck } from "./harness.js";
import { checkMatrix } from "./matrix.js";

function job(...matrix: string[]): string {
  return lines(
    "on: push",
    "jobs:",
    "  a:",
    "    runs-on: ubuntu-latest",
    "    strategy:",
    "      matrix:",
    ...matrix.map((l) => `        ${l}`),
    "    steps: [{run: echo}]",
  );
}

test("exclude keys outside the matrix and values it never takes are errors", () => {
  const yaml = job(
    "os: [ubuntu-latest, windows-latest]", // 7
    "node: [{version: 20, lts: true}]", // 8
    "include: [{extra: 1}]", // 9
    "exclude:", // 10
    "  - osname: ubuntu-latest", // 11
    "  - os: macos-latest", // 12
    "  - node: {version: 18}", // 13
    "  - extra: 1", // 14
  );
  assert.deepEqual(brief(runCheck(checkMatrix, yaml)), ["11:error", "12:error", "13:error", "14:error"]);
});

test("an empty vector is an error, empty include and exclude lists warnings", () => {
  const yaml = job("os: []", "include: []", "exclude: []");
  assert.deepEqual(brief(runCheck(checkMatrix, yaml)), ["7:error", "8:warning", "9:warning"]);
});

test("partial, case-insensitive and computed matches report nothing", () => {
  const yaml = job(
    "os: [Ubuntu-Latest, windows-latest]",
    "node: [{version: 20, lts: true}, '${{ fromJSON(inputs.extra) }}']",
    "python: ['3.10', 3.12]",
    "exclude:",
    "  - os: ubuntu-latest",
    "  - node: {version: 99}",
    "  - os: ${{ inputs.skip }}",
    "  - python: 3.1",
  );
  assert.deepEqual(runCheck(checkMatrix, yaml), []);
});
