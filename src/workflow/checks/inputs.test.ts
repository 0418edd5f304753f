import assert from "node:assert/strict";
import { test } from "node:test";
import { brief, lines, runCheck } from "./harness.js";
import { checkInputs } from "./inputs.js";

test("defaults that contradict the input type are errors on the default", () => {
  const yaml = lines(
    "on:",
    "  workflow_dispatch:",
    "    inputs:",
    "      level:",
    "        type: choice",
    "        options: [low, high]",
    "        default: medium", // 7
    "      dry:",
    "        type: boolean",
    "        default: maybe", // 10
    "      count:",
    "        type: number",
    "        default: many", // 13
    "      empty:",
    "        type: choice", // 15: the key is on 14
    "jobs: {}",
  );
  assert.deepEqual(brief(runCheck(checkInputs, yaml)), ["7:error", "10:error", "13:error", "14:error"]);
});

test("duplicate or empty options and a required input's default are warnings", () => {
  const yaml = lines(
    "on:",
    "  workflow_dispatch:",
    "    inputs:",
    "      level:",
    "        type: choice",
    "        options: [low, low, '']",
    "  workflow_call:",
    "    inputs:",
    "      name:",
    "        type: string",
    "        required: true",
    "        default: x", // 12
    "jobs: {}",
  );
  assert.deepEqual(brief(runCheck(checkInputs, yaml)), ["6:warning", "6:warning", "12:warning"]);
});

test("a workflow_call output without a value is an error", () => {
  const yaml = lines("on:", "  workflow_call:", "    outputs:", "      out:", "        value: ''", "jobs: {}");
  assert.deepEqual(brief(runCheck(checkInputs, yaml)), ["5:error"]);
});

test("consistent inputs report nothing", () => {
  const yaml = lines(
    "on:",
    "  workflow_dispatch:",
    "    inputs:",
    "      level: {type: choice, options: [low, high], default: high}",
    "      dry: {type: boolean, default: 'false'}",
    "      count: {type: number, default: '2.5'}",
    "      plain:",
    "  workflow_call:",
    "    inputs:",
    "      flag: {type: boolean, default: '${{ github.event_name == ''push'' }}'}",
    "    outputs:",
    "      out: {value: '${{ jobs.a.outputs.x }}'}",
    "jobs: {}",
  );
  assert.deepEqual(runCheck(checkInputs, yaml), []);
});
