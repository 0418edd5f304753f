import assert from "node:assert/strict";
import { test } from "node:test";
import { brief, lines, runCheck } from "./harness.js";
import { checkUses } from "./uses.js";

test("malformed reusable-workflow references are errors", () => {
  const yaml = lines(
    "on: push",
    "jobs:",
    "  a: {uses: owner/repo@main}", // 3
    "  b: {uses: ./.github/workflows/x.yml@main}", // 4
    "  c: {uses: owner/repo/.github/workflows/x.yml}", // 5
    "  d: {uses: /abs/x.yml@v1}", // 6
  );
  assert.deepEqual(brief(runCheck(checkUses, yaml)), ["3:error", "4:error", "5:error", "6:error"]);
});

test("shut-down action versions are errors, old runtimes warnings", () => {
  const yaml = lines(
    "on: push",
    "jobs:",
    "  a:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - uses: actions/upload-artifact@v3", // 6
    "      - uses: actions/checkout@v2.3.4", // 7
    "      - uses: actions/cache@v3", // 8
  );
  assert.deepEqual(brief(runCheck(checkUses, yaml)), ["6:error", "7:warning", "8:warning"]);
});

test("current references report nothing", () => {
  const yaml = lines(
    "on: push",
    "jobs:",
    "  a: {uses: org/repo/.github/workflows/ci.yml@v1}",
    "  b: {uses: ./.github/workflows/build.yaml}",
    "  c:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - uses: actions/checkout@v4",
    "      - uses: actions/download-artifact@v3-node20",
    "      - uses: actions/cache@0c45773b623bea8c8e75f6c82b208c3cf94ea4f9",
    "      - uses: docker://alpine:3",
  );
  assert.deepEqual(runCheck(checkUses, yaml), []);
});
