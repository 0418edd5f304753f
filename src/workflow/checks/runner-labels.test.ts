import assert from "node:assert/strict";
import { test } from "node:test";
import { brief, lines, runCheck } from "./harness.js";
import { checkRunnerLabels } from "./runner-labels.js";

function jobs(...body: string[]): string {
  return lines("on: push", "jobs:", ...body.map((l) => `  ${l}`));
}

test("labels of two systems and empty label lists are errors, retired images warnings", () => {
  const yaml = jobs(
    "a:",
    "  runs-on: ubuntu-20.04", // 4
    "  steps: [{run: echo}]",
    "b:",
    "  runs-on: [ubuntu-latest, windows-latest]", // 7
    "  steps: [{run: echo}]",
    "c:",
    "  runs-on: {group: big, labels: []}", // 10
    "  steps: [{run: echo}]",
  );
  assert.deepEqual(brief(runCheck(checkRunnerLabels, yaml)), ["4:warning", "7:error", "10:error"]);
});

test("matrix values are checked where they are written", () => {
  const yaml = jobs(
    "a:",
    "  strategy:",
    "    matrix:",
    "      os: [macos-12, windows]", // 6
    "      cfg: [{name: x}]",
    "  runs-on: [ubuntu-latest, '${{ matrix.os }}']", // 8
    "  steps: [{run: echo}]",
    "b:",
    "  strategy: {matrix: {cfg: [{name: x}]}}",
    "  runs-on: ${{ matrix.cfg }}", // 12
    "  steps: [{run: echo}]",
  );
  assert.deepEqual(brief(runCheck(checkRunnerLabels, yaml)), ["6:warning", "6:error", "6:error", "12:error"]);
});

test("an unknown GitHub-looking label is only a warning", () => {
  const yaml = jobs("a:", "  runs-on: ubuntu-oldest", "  steps: [{run: echo}]");
  assert.deepEqual(brief(runCheck(checkRunnerLabels, yaml)), ["4:warning"]);
});

test("compatible labels, self-hosted runners and computed labels report nothing", () => {
  const yaml = jobs(
    "a:",
    "  strategy: {matrix: {os: [ubuntu-24.04, linux], host: [macOS, linux]}}",
    "  runs-on: [ubuntu-latest, '${{ matrix.os }}']",
    "  steps: [{run: echo}]",
    "b:",
    "  runs-on: [self-hosted, linux, x64, ubuntu-20.04, gpu]",
    "  steps: [{run: echo}]",
    "c:",
    "  runs-on: ${{ vars.RUNNER }}",
    "  steps: [{run: echo}]",
    "d:",
    "  runs-on: {group: ubuntu-runners, labels: [ubuntu-slim]}",
    "  steps: [{run: echo}]",
  );
  assert.deepEqual(runCheck(checkRunnerLabels, yaml), []);
});
