import assert from "node:assert/strict";
import { test } from "node:test";
import { builtin, BUILTIN_NAMES, isBuiltin } from "./builtin-registry.js";

test("each registered name loads the action of that name", async () => {
  assert.equal(new Set(BUILTIN_NAMES).size, BUILTIN_NAMES.length);
  for (const name of BUILTIN_NAMES) {
    const action = await builtin(name);
    assert.equal(action?.name.toLowerCase(), name);
  }
});

test("names are compared without regard to case, and unknown ones are no built-in", async () => {
  assert.ok(isBuiltin("Actions/Checkout"));
  assert.equal((await builtin("Actions/Checkout"))?.name, "actions/checkout");
  assert.equal(isBuiltin("actions/not-an-action"), false);
  assert.equal(await builtin("actions/not-an-action"), undefined);
});
