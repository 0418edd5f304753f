import assert from "node:assert/strict";
import { test } from "node:test";
import { checkContainers } from "./container.js";
import { brief, lines, runCheck } from "./harness.js";

test("credentials with one half are errors, written passwords warnings", () => {
  const yaml = lines(
    "on: push",
    "jobs:",
    "  a:",
    "    runs-on: ubuntu-latest",
    "    container:",
    "      image: ghcr.io/o/i",
    "      credentials:", // 7
    "        username: me",
    "    services:",
    "      db:",
    "        image: ghcr.io/o/db",
    "        credentials:",
    "          username: me",
    "          password: hunter2", // 14
    "    steps: [{run: echo}]",
  );
  assert.deepEqual(brief(runCheck(checkContainers, yaml)), ["7:error", "14:warning"]);
});

test("complete credentials from secrets, and a null container, report nothing", () => {
  const yaml = lines(
    "on: push",
    "jobs:",
    "  a:",
    "    runs-on: ubuntu-latest",
    "    container:",
    "      image: ghcr.io/o/i",
    "      credentials: {username: '${{ github.actor }}', password: '${{ secrets.TOKEN }}'}",
    "    steps: [{run: echo}]",
    "  b:",
    "    runs-on: ubuntu-latest",
    "    container: null",
    "    steps: [{run: echo}]",
  );
  assert.deepEqual(runCheck(checkContainers, yaml), []);
});
