import assert from "node:assert/strict";
import { test } from "node:test";
import { ansiToHtml } from "./ansi.js";

test("SGR colours become classed spans and reset ends them", () => {
  assert.equal(ansiToHtml("\x1b[31mred\x1b[0m plain"), '<span class="fg1">red</span> plain');
  assert.equal(ansiToHtml("\x1b[1;92mok\x1b[22m still"), '<span class="fg2 ansi-b">ok</span><span class="fg2"> still</span>');
  assert.equal(ansiToHtml("\x1b[38;5;4mblue\x1b[38;2;1;2;3mrgb"), '<span class="fg4">blue</span>rgb');
});

test("markup inside a coloured line is escaped and other control sequences are dropped", () => {
  assert.equal(ansiToHtml('\x1b[33m<script>alert("x")</script>'), '<span class="fg3">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</span>');
  assert.equal(ansiToHtml("a\x1b[2Kb\x1b]0;title\x07c\x07d\x00e"), "abcde");
});

test("a class never carries text from the line", () => {
  assert.equal(ansiToHtml('\x1b[3"1m x'), "[3&quot;1m x", "a malformed sequence loses its escape and shows as text");
  assert.doesNotMatch(ansiToHtml("\x1b[999;38;5;200m x"), /999|200/);
});
