import assert from "node:assert/strict";
import { test } from "node:test";
import { setLongTimeout } from "./long-timeout.js";

test("a delay past the timer's limit waits in chained timers instead of firing at once", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  let fired = false;
  setLongTimeout(() => (fired = true), 36_000 * 60_000);
  t.mock.timers.tick(2 ** 31 - 1);
  assert.equal(fired, false);
  t.mock.timers.tick(36_000 * 60_000 - (2 ** 31 - 1) - 1);
  assert.equal(fired, false);
  t.mock.timers.tick(1);
  assert.equal(fired, true);
});

test("cancelling stops a chained timeout", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  let fired = false;
  const cancel = setLongTimeout(() => (fired = true), 2 ** 32);
  t.mock.timers.tick(2 ** 31);
  cancel();
  t.mock.timers.tick(2 ** 32);
  assert.equal(fired, false);
});
