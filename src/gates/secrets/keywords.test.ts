import assert from "node:assert/strict";
import { test } from "node:test";
import { Random } from "../../../test/support/secret-corpus.js";
import { KeywordMatcher } from "./keywords.js";

test("finds every keyword present, ignoring case, including overlapping ones", () => {
  const m = new KeywordMatcher(["secret", "aws_secret", "cred", "secretaccesskey", "ghp_", "xoxb-"]);
  assert.deepEqual(m.find("AWS_SECRET_ACCESS_KEY=x"), [true, true, false, false, false, false]);
  assert.deepEqual(m.find("SecretAccessKey ghp_ XOXB-"), [true, false, false, true, true, true]);
  assert.deepEqual(m.find("CREDENTIALS"), [false, false, true, false, false, false]);
  assert.deepEqual(m.find("nothing here"), [false, false, false, false, false, false]);
  assert.deepEqual(m.find("secre"), [false, false, false, false, false, false]);
});

test("non-ASCII text and keywords", () => {
  const m = new KeywordMatcher(["clé", "token"]);
  assert.deepEqual(m.find("la CLÉ est 🔑 token"), [true, true]);
  assert.deepEqual(m.find("tok🔑en"), [false, false]);
});

test("agrees with includes() on random text", () => {
  const r = new Random(5);
  const words = Array.from({ length: 60 }, () => r.chars("abcde_-", r.int(2, 6)));
  const m = new KeywordMatcher(words);
  for (let i = 0; i < 200; i++) {
    const text = r.chars("abcdeABCDE_- \n", r.int(0, 200));
    assert.deepEqual(
      m.find(text),
      words.map((w) => text.toLowerCase().includes(w)),
      text,
    );
  }
});
