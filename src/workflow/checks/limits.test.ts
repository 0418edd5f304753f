import assert from "node:assert/strict";
import { test } from "node:test";
import { brief, lines, runCheck } from "./harness.js";
import { checkLimits } from "./limits.js";

test("non-positive or fractional limits are errors", () => {
  const yaml = lines(
    "on: push",
    "jobs:",
    "  a:",
    "    runs-on: ubuntu-latest",
    "    timeout-minutes: 0", // 5
    "    strategy:",
    "      max-parallel: 1.5", // 7
    "    steps:",
    "      - run: echo",
    "        timeout-minutes: -2", // 10
  );
  assert.deepEqual(brief(runCheck(checkLimits, yaml)), ["7:error", "5:error", "10:error"]);
});

test("positive numbers and expressions report nothing", () => {
  const yaml = lines(
    "on: push",
    "jobs:",
    "  a:",
    "    runs-on: ubuntu-latest",
    "    timeout-minutes: 2.5",
    "    strategy: {max-parallel: '${{ inputs.n }}'}",
    "    steps: [{run: echo, timeout-minutes: 1}]",
  );
  assert.deepEqual(runCheck(checkLimits, yaml), []);
});
