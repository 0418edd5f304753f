import assert from "node:assert/strict";
import { test } from "node:test";
import { goRegex, RegexSyntaxError } from "./regex.js";

const matches = (pattern: string, text: string): string[] => [...text.matchAll(goRegex(pattern))].map((m) => m[0]);

test("a leading (?i) becomes the i flag; the result is global", () => {
  const re = goRegex("(?i)secret");
  assert.equal(re.flags, "gi");
  assert.deepEqual(matches("(?i)secret", "SECRET Secret"), ["SECRET", "Secret"]);
});

test("a scoped (?i:...) group keeps its grouping and applies its flag", () => {
  assert.deepEqual(matches("x(?i:ab)", "xAB"), ["xAB"]);
  assert.equal(goRegex("(?s)a.b").flags, "gs");
});

test("named groups in Go's (?P<name>) spelling", () => {
  const m = goRegex("key=(?P<value>[a-z]+)").exec("key=abc");
  assert.equal(m?.groups?.["value"], "abc");
});

test("POSIX classes, \\z, \\A, \\Q...\\E and \\x{...}", () => {
  assert.deepEqual(matches("[[:alnum:]_]+", "ab_1-x"), ["ab_1", "x"]);
  assert.deepEqual(matches("[[:xdigit:]]{4}\\z", "beefcafe"), ["cafe"]);
  assert.deepEqual(matches("\\Aab", "abab"), ["ab"]);
  assert.deepEqual(matches("\\Qa.b*\\E", "a.b* axbb"), ["a.b*"]);
  assert.deepEqual(matches("\\x{41}+", "AAA"), ["AAA"]);
});

test("a ']' right after '[' is a literal, as in RE2", () => {
  assert.deepEqual(matches("[]a]+", "a]a"), ["a]a"]);
});

test("unsupported syntax is a clear error", () => {
  assert.throws(() => goRegex("(?U)a+"), RegexSyntaxError);
  assert.throws(() => goRegex("[[:nope:]]"), /\[:nope:\]/);
  assert.throws(() => goRegex("(unclosed"), RegexSyntaxError);
});
