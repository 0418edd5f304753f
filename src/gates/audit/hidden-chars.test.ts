import assert from "node:assert/strict";
import { test } from "node:test";
import { hiddenCharacters, mayHoldHidden } from "./hidden-chars.js";

test("bidi controls and zero-width characters, one entry per line and kind, with the first column", () => {
  const text = ["ok", 'if access_level != "user\u202E \u2066// Check if admin\u2069 \u2066" {', "let a\u200Bb = 1; let c\u200Bd = 2;", "x = 1\u2060"].join(
    "\n",
  );
  assert.deepEqual(
    hiddenCharacters(text).map((h) => `${h.line}:${h.col}:${h.kind}:${h.count}:${h.name}`),
    ["2:25:bidi:4:U+202E RIGHT-TO-LEFT OVERRIDE", "3:6:zero-width:2:U+200B ZERO WIDTH SPACE", "4:6:zero-width:1:U+2060 WORD JOINER"],
  );
});

test("a byte order mark opening the file, emoji sequences and joiners in scripts that need them are fine", () => {
  assert.deepEqual(hiddenCharacters("\uFEFFname = 1\n"), []);
  assert.deepEqual(hiddenCharacters("family: \u{1F468}\u200D\u{1F469}\u200D\u{1F467}\n"), []);
  assert.deepEqual(hiddenCharacters("Persian: \u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645\n"), []);
  assert.equal(hiddenCharacters("x\uFEFF = 1").length, 1, "a BOM inside the text is a zero-width character");
  assert.equal(hiddenCharacters("adm\u200Din").length, 1, "a joiner between ASCII letters is not");
});

test("the quick byte check finds every kind in UTF-8", () => {
  for (const ch of ["\u202E", "\u2066", "\u200B", "\u2060", "\uFEFF"]) assert.ok(mayHoldHidden(Buffer.from(`a${ch}b`)), ch);
  assert.ok(!mayHoldHidden(Buffer.from("plain ascii and é")));
});
