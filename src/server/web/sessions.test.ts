import assert from "node:assert/strict";
import { test } from "node:test";
import { cookie, parseCookies, sameToken, Sessions } from "./sessions.js";

const caller = { name: "admin", role: "admin" as const };

test("a session lasts while it is used and ends after twelve idle hours or a logout", () => {
  let now = 0;
  const sessions = new Sessions(() => now);
  const s = sessions.create(caller);
  assert.notEqual(s.id, s.csrf);
  now = 11 * 3600_000;
  assert.equal(sessions.get(s.id)?.caller.name, "admin", "using it extends it");
  now += 11 * 3600_000;
  assert.ok(sessions.get(s.id));
  now += 12 * 3600_000 + 1;
  assert.equal(sessions.get(s.id), undefined, "idle too long");
  const t = sessions.create(caller);
  sessions.end(t.id);
  assert.equal(sessions.get(t.id), undefined);
  assert.equal(sessions.get(undefined), undefined);
  assert.equal(sessions.get("x".repeat(500)), undefined);
});

test("CSRF tokens compare equal only when identical and present", () => {
  assert.ok(sameToken("abc", "abc"));
  assert.ok(!sameToken("abc", "abd"));
  assert.ok(!sameToken("abc", "abcd"));
  assert.ok(!sameToken("", ""));
  assert.ok(!sameToken(undefined, "abc"));
});

test("cookies: malformed values are skipped, the first of a name wins, and the cookie set is HttpOnly and SameSite", () => {
  const jar = parseCookies("a=1; tierci_session=abc_-9; tierci_session=second; bad=<x>; =novalue; b");
  assert.equal(jar.get("tierci_session"), "abc_-9");
  assert.equal(jar.has("bad"), false);
  assert.equal(cookie("s", "v", { secure: true }), "s=v; Path=/; HttpOnly; SameSite=Lax; Secure");
  assert.equal(cookie("s", "", { secure: false, maxAgeSeconds: 0 }), "s=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
});
