import assert from "node:assert/strict";
import { test } from "node:test";
import { redact, secretHash } from "./redact.js";

test("shows the first and last characters with **** between", () => {
  assert.equal(redact("ghp_abcdefghijklmnopqrstuvwxyz0123456789"), "ghp_****6789");
  assert.equal(redact("ghp_abcdefghijklmnopqrstuvwxyz0123456789", 2), "gh****89");
  assert.equal(redact("anything", 0), "****");
});

test("never shows more than a quarter of the secret at each end, however large N is", () => {
  for (const secret of ["a", "ab", "abcd", "abcdefgh", "s3cr3t-value-1234"]) {
    const shown = redact(secret, 1000);
    const visible = shown.replace("****", "");
    assert.ok(visible.length <= secret.length / 2, `${shown} shows too much of ${secret}`);
    assert.ok(!shown.includes(secret) || secret.length === 0);
  }
});

test("multi-line secrets stay on one line", () => {
  assert.doesNotMatch(redact("-----BEGIN\nabc\ndef\n-----END", 8), /\n/);
});

test("the hash is SHA-256 hex", () => {
  assert.equal(secretHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
});
