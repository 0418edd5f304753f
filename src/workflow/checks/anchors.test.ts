import assert from "node:assert/strict";
import { test } from "node:test";
import { checkAnchors } from "./anchors.js";
import { brief, lines, runCheck } from "./harness.js";

test("merge keys are errors and unused anchors warnings", () => {
  const yaml = lines(
    "on: push",
    "env: &unused {A: 1}", // 2
    "jobs:",
    "  a:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - run: echo",
    "        env: &base {B: 2}",
    "      - run: echo",
    "        env:",
    "          <<: *base", // 11
  );
  assert.deepEqual(brief(runCheck(checkAnchors, yaml)), ["11:error", "2:warning"]);
});

test("an anchor redefined after its last use is reported once, for the unused definition", () => {
  const yaml = lines("on: push", "x: &a 1", "y: *a", "z: &a 2", "jobs: {}");
  assert.deepEqual(brief(runCheck(checkAnchors, yaml)), ["4:warning"]);
});

test("used anchors report nothing", () => {
  const yaml = lines("on: push", "jobs:", "  a:", "    runs-on: &os ubuntu-latest", "    env: {OS: *os}", "    steps: [{run: echo}]");
  assert.deepEqual(runCheck(checkAnchors, yaml), []);
});
