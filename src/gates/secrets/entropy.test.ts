import assert from "node:assert/strict";
import { test } from "node:test";
import { looksHandTyped, shannonEntropy } from "./entropy.js";

test("Shannon entropy in bits per character", () => {
  assert.equal(shannonEntropy(""), 0);
  assert.equal(shannonEntropy("aaaa"), 0);
  assert.equal(shannonEntropy("abab"), 1);
  assert.equal(shannonEntropy("abcdefgh"), 3);
});

test("runs, sequences and tiny alphabets look typed; random tokens do not", () => {
  for (const typed of ["xxxxxxxxxxxxxxxxxxxx", "1234567890abcdefghij", "zyxwvutsrq1", "abababababababababab", "000000a1b2c3"])
    assert.ok(looksHandTyped(typed), typed);
  for (const random of ["Zq8dK2mPx7Lr4Tn9Wb3Vc6Hs1Jf5Gy0", "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"]) assert.ok(!looksHandTyped(random), random);
});
