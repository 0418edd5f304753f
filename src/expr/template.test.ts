import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { findExpressions, templateExpression, type ExpressionSpan } from "./template.js";

function spans(text: string): ExpressionSpan[] {
  const found = findExpressions(text);
  assert.ok(Array.isArray(found), `unexpected error: ${JSON.stringify(found)}`);
  return found;
}

describe("findExpressions", () => {
  test("locates each expression and its trimmed text", () => {
    assert.deepEqual(spans("a ${{ x }} b ${{y}}"), [
      { expr: "x", start: 2, end: 10, exprStart: 6 },
      { expr: "y", start: 13, end: 19, exprStart: 16 },
    ]);
    assert.deepEqual(spans("plain text, { braces } and $ signs"), []);
  });

  test("}} inside a string literal does not close", () => {
    const [span] = spans("${{ '}}' }}");
    assert.equal(span?.expr, "'}}'");
    assert.equal(spans("${{ 'it''s }}' }} tail")[0]?.expr, "'it''s }}'");
  });

  test("the first }} outside a string closes", () => {
    assert.equal(spans("${{ a }}}")[0]?.end, 8);
    assert.equal(spans("${{ format('{0}', a)}}")[0]?.expr, "format('{0}', a)");
  });

  test("an unterminated ${{ is reported with its offset", () => {
    assert.deepEqual(findExpressions("ok ${{ a }} then ${{ b"), {
      error: "The expression is not closed. An unescaped ${{ sequence was found, but the closing }} sequence was not found.",
      offset: 17,
    });
    assert.ok("error" in findExpressions("${{ 'unclosed string }}"));
  });

  test("an empty expression is an error", () => {
    assert.deepEqual(findExpressions("x ${{  }}"), { error: "An expression was expected", offset: 2 });
  });
});

describe("templateExpression", () => {
  test("builds GitHub's format() call for mixed text", () => {
    assert.equal(templateExpression("a", []), "a");
    assert.equal(templateExpression("${{ x }}", spans("${{ x }}")), "x");
    const text = "it's {${{ a }}} ${{ b }}";
    assert.equal(templateExpression(text, spans(text)), "format('it''s {{{0}}} {1}', a, b)");
  });
});
