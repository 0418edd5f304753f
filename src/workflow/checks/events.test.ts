import assert from "node:assert/strict";
import { test } from "node:test";
import { checkEvents, cronMinutes, shortestGapMinutes } from "./events.js";
import { brief, lines, runCheck } from "./harness.js";

test("an include filter with its ignore twin is an error on the later key", () => {
  const yaml = lines("on:", "  push:", "    branches-ignore: [dev]", "    branches: [main]", "    paths: [src/**]", "    paths-ignore: [docs/**]", "jobs: {}");
  assert.deepEqual(brief(runCheck(checkEvents, yaml)), ["4:error", "6:error"]);
});

test("empty filter lists and schedules without cron entries are errors", () => {
  const yaml = lines("on:", "  schedule: []", "  pull_request:", "    types: []", "jobs: {}");
  assert.deepEqual(brief(runCheck(checkEvents, yaml)), ["2:error", "4:error"]);
  assert.deepEqual(brief(runCheck(checkEvents, lines("on: [push, schedule]", "jobs: {}"))), ["1:error"]);
});

test("unknown time zones are errors and too-frequent crons warnings", () => {
  const yaml = lines("on:", "  schedule:", "    - cron: '*/2 * * * *'", "      timezone: Mars/Olympus", "jobs: {}");
  assert.deepEqual(brief(runCheck(checkEvents, yaml)), ["4:error", "3:warning"]);
});

test("valid triggers report nothing", () => {
  const yaml = lines(
    "on:",
    "  push:",
    "    branches: [main]",
    "    paths-ignore: [docs/**]",
    "  schedule:",
    "    - cron: '*/5 * * * *'",
    "    - cron: '30 5 * * 1-5'",
    "      timezone: Europe/London",
    "  workflow_dispatch:",
    "jobs: {}",
  );
  assert.deepEqual(runCheck(checkEvents, yaml), []);
});

test("cron minute fields", () => {
  assert.deepEqual(cronMinutes("0,30"), [0, 30]);
  assert.deepEqual(cronMinutes("10-20/5"), [10, 15, 20]);
  assert.equal(cronMinutes("MON"), undefined);
  assert.equal(shortestGapMinutes("*/4 * * * *"), 4);
  assert.equal(shortestGapMinutes("15 * * * *"), undefined);
});
