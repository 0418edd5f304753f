import assert from "node:assert/strict";
import { test } from "node:test";
import { allows, bearerToken, callerOf } from "./auth.js";
import { hashToken } from "./config.js";

const tokens = [
  { name: "ci-admin", role: "admin" as const, hash: hashToken("admin-token-0123456789") },
  { name: "viewer", role: "read" as const, hash: hashToken("read-token-0123456789") },
  { name: "agent-1", role: "agent" as const, hash: hashToken("agent-token-0123456789") },
];

test("a token is known by its hash; anything else is nobody", () => {
  assert.deepEqual(callerOf("read-token-0123456789", tokens), { name: "viewer", role: "read" });
  assert.equal(callerOf("read-token-012345678", tokens), undefined);
  assert.equal(callerOf("", tokens), undefined);
  assert.equal(callerOf(undefined, tokens), undefined);
});

test("Bearer headers only, printable tokens only", () => {
  assert.equal(bearerToken("Bearer abc"), "abc");
  assert.equal(bearerToken("bearer abc"), undefined);
  assert.equal(bearerToken("Basic abc"), undefined);
  assert.equal(bearerToken("Bearer a b"), undefined);
  assert.equal(bearerToken(undefined), undefined);
});

test("roles: admin covers trigger and read; agent tokens reach agent routes only, and only they do", () => {
  assert.equal(allows({ name: "a", role: "admin" }, "trigger"), true);
  assert.equal(allows({ name: "r", role: "read" }, "trigger"), false);
  assert.equal(allows({ name: "g", role: "agent" }, "read"), false);
  assert.equal(allows({ name: "a", role: "admin" }, "agent"), false);
  assert.equal(allows({ name: "g", role: "agent" }, "agent"), true);
});
