import assert from "node:assert/strict";
import { test } from "node:test";
import { checkConditions } from "./conditions.js";
import { brief, lines, runCheck } from "./harness.js";

test("text around ${{ }} makes a condition always true: an error", () => {
  const yaml = lines(
    "on: push",
    "jobs:",
    "  a:",
    "    if: ${{ false }} && ${{ false }}", // 4
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - run: echo",
    "        if: |", // 8
    "          ${{ github.ref == 'refs/heads/main' }}",
    "      - run: echo",
    "        if: '!${{ success() }}'", // 11
  );
  assert.deepEqual(brief(runCheck(checkConditions, yaml)), ["4:error", "8:error", "11:error"]);
});

test("a condition that depends on nothing is a warning", () => {
  const yaml = lines(
    "on: push",
    "jobs:",
    "  a:",
    "    if: false",
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - run: echo",
    "        if: ${{ 1 == 1 }}",
  );
  assert.deepEqual(brief(runCheck(checkConditions, yaml)), ["4:warning", "8:warning"]);
});

test("ordinary conditions report nothing", () => {
  const yaml = lines(
    "on: push",
    "jobs:",
    "  a:",
    "    if: github.event_name == 'push'",
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - run: echo",
    "        if: ${{ always() && matrix.os != 'windows' }}",
    "      - run: echo",
    "        if: failure()",
    "      - run: echo",
    "        if: \"${{ contains('}}', github.ref) }}\"",
  );
  assert.deepEqual(runCheck(checkConditions, yaml), []);
});
