import assert from "node:assert/strict";
import { test } from "node:test";
import { nodeMatrix } from "./node-versions.js";

test("no engines: 20/22/24, reports on 22", () => {
  assert.deepEqual(nodeMatrix(), { versions: ["20", "22", "24"], report: "22" });
  assert.deepEqual(nodeMatrix("*"), { versions: ["20", "22", "24"], report: "22" });
});

test("engines keeps the newest three LTS lines it allows", () => {
  assert.deepEqual(nodeMatrix(">=18").versions, ["20", "22", "24"]);
  assert.deepEqual(nodeMatrix(">=18 <23").versions, ["18", "20", "22"]);
  assert.deepEqual(nodeMatrix("^20 || ^22").versions, ["20", "22"]);
  assert.deepEqual(nodeMatrix("20.x"), { versions: ["20"], report: "20" });
});

test("a bound inside a major still admits that major", () => {
  assert.deepEqual(nodeMatrix(">=18.17 <20.5").versions, ["18", "20"]);
  assert.deepEqual(nodeMatrix("~20.11.0").versions, ["20"]);
  assert.deepEqual(nodeMatrix(">20.11.1 <21").versions, ["20"]);
  assert.deepEqual(nodeMatrix(">20.99.99 <21").versions, ["20"]);
});

test("two versions report on the newer; invalid or unsatisfiable ranges are errors naming the range", () => {
  assert.equal(nodeMatrix("^20 || ^22").report, "22");
  assert.throws(() => nodeMatrix("not a range"), /engines\.node "not a range" is not a version range/);
  assert.throws(() => nodeMatrix(">=99"), /engines\.node ">=99" allows none of the LTS lines 18, 20, 22, 24/);
});
