import assert from "node:assert/strict";
import { test } from "node:test";
import { asBoolean, asEnvMapping, asMaxParallel, asTimeoutMinutes, evaluateField } from "./coerce.js";

test("boolean fields take booleans only; null is the default; text is refused with a hint", () => {
  assert.equal(asBoolean(true, "continue-on-error", false), true);
  assert.equal(asBoolean(null, "continue-on-error", false), false);
  assert.equal(asBoolean(null, "strategy.fail-fast", true), true);
  assert.throws(() => asBoolean("true", "continue-on-error", false), /must be true or false, got the string 'true'; compare it instead/);
  assert.throws(() => asBoolean("TRUE", "continue-on-error", false), /the string 'TRUE'/);
  assert.throws(() => asBoolean(1, "continue-on-error", false), /got 1/);
});

test("timeouts: numbers only, fractions kept, 0 and below mean the default", () => {
  assert.equal(asTimeoutMinutes(5, "timeout-minutes"), 5);
  assert.equal(asTimeoutMinutes(0.5, "timeout-minutes"), 0.5);
  assert.equal(asTimeoutMinutes(0, "timeout-minutes"), null);
  assert.equal(asTimeoutMinutes(-3, "timeout-minutes"), null);
  assert.equal(asTimeoutMinutes(null, "timeout-minutes"), null);
  assert.throws(() => asTimeoutMinutes("5", "timeout-minutes"), /must be a number, got the string '5'; use fromJSON/);
  assert.throws(() => asTimeoutMinutes([], "timeout-minutes"), /an array/);
});

test("max-parallel is truncated to a whole number of at least 1", () => {
  assert.equal(asMaxParallel(2.9, "strategy.max-parallel"), 2);
  assert.equal(asMaxParallel(null, "strategy.max-parallel"), null);
  assert.throws(() => asMaxParallel(0.5, "strategy.max-parallel"), /at least 1/);
  assert.throws(() => asMaxParallel("2", "strategy.max-parallel"), /must be a number/);
});

test("fields written as expressions are evaluated, literals pass through", () => {
  assert.equal(evaluateField("${{ fromJSON('6') }}", {}), 6);
  assert.equal(evaluateField(false, {}), false);
  assert.equal(evaluateField("${{ matrix.x }}", { matrix: { x: true } }), true);
});

test("env as one expression must yield a flat mapping; scalars become text", () => {
  assert.deepEqual(asEnvMapping({ A: "a", B: 2, C: true, D: null }, "env"), { A: "a", B: "2", C: "true", D: "" });
  assert.deepEqual(asEnvMapping(null, "env"), {});
  assert.throws(() => asEnvMapping("A=1", "env"), /must yield a mapping/);
  assert.throws(() => asEnvMapping({ A: { nested: 1 } }, "env"), /env\.A must be text/);
});
