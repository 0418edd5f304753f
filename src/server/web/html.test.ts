import assert from "node:assert/strict";
import { test } from "node:test";
import { html, query, trusted } from "./html.js";

test("every value placed in a template is escaped unless it is already markup", () => {
  const name = `"><script>alert(1)</script>`;
  assert.equal(
    html`<a title="${name}">${name}</a>`.text,
    '<a title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</a>',
  );
  // Through another name, so that the formatter leaves this literal's whitespace alone.
  const tag = html;
  assert.equal(tag`<ul>${["<a>", tag`<li>${"<b>"}</li>`]}</ul>`.text, "<ul>&lt;a&gt;<li>&lt;b&gt;</li></ul>");
  assert.equal(html`${null}${undefined}${false}${0}${trusted("<svg/>")}`.text, "0<svg/>");
});

test("query keeps only the values that are set, encoded", () => {
  assert.equal(query({ a: "x y", b: undefined, c: "", d: 3 }), "?a=x+y&d=3");
  assert.equal(query({}), "");
});
