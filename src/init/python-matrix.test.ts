import assert from "node:assert/strict";
import { test } from "node:test";
import { pythonMatrix, RequiresPythonError } from "./python-matrix.js";

test("no requires-python gives the design's 3.10/3.11/3.12 with reports on 3.11", () => {
  assert.deepEqual(pythonMatrix(undefined), { versions: ["3.10", "3.11", "3.12"], report: "3.11" });
  assert.deepEqual(pythonMatrix(">=3.8"), { versions: ["3.10", "3.11", "3.12"], report: "3.11" });
});

test("the matrix starts at the floor requires-python allows", () => {
  assert.deepEqual(pythonMatrix(">=3.11"), { versions: ["3.11", "3.12", "3.13"], report: "3.11" });
  assert.deepEqual(pythonMatrix(">= 3.12"), { versions: ["3.12", "3.13", "3.14"], report: "3.13" });
  assert.deepEqual(pythonMatrix(">3.11"), { versions: ["3.11", "3.12", "3.13"], report: "3.11" });
  assert.deepEqual(pythonMatrix(">=3.11.4").versions, ["3.11", "3.12", "3.13"]);
});

test("upper bounds, exclusions, wildcards and compatible releases", () => {
  assert.deepEqual(pythonMatrix(">=3.10,<3.12").versions, ["3.10", "3.11"]);
  assert.deepEqual(pythonMatrix(">=3.10, !=3.11.*").versions, ["3.10", "3.12", "3.13"]);
  assert.deepEqual(pythonMatrix("==3.12.*"), { versions: ["3.12"], report: "3.12" });
  assert.deepEqual(pythonMatrix("~=3.13").versions, ["3.13", "3.14"]);
  assert.deepEqual(pythonMatrix("~=3.12.1").versions, ["3.12"]);
  assert.deepEqual(pythonMatrix("==3.*").versions, ["3.10", "3.11", "3.12"]);
  assert.deepEqual(pythonMatrix("!=3.11").versions, ["3.10", "3.11", "3.12"]);
  assert.deepEqual(pythonMatrix(">=3.10,<=3.11").versions, ["3.10", "3.11"]);
});

test("a specifier nothing meets, or one that is not PEP 440, is an error naming it", () => {
  assert.throws(() => pythonMatrix("<3.6"), RequiresPythonError);
  assert.throws(() => pythonMatrix("python3"), /'python3' is not a version specifier/);
});
