// docs/rules.md matches the rule tables, and every rule is documented in full.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { allRules, renderRulesDoc } from "../../src/reports/rules-doc.js";

test("every validation check and policy rule has a description and an example", () => {
  const { checks, policy } = allRules();
  for (const r of [...checks, ...policy]) {
    assert.ok(r.description.length > 10, `${r.id} has no description`);
    assert.ok(r.example, `${r.id} has no example in src/reports/rule-examples.ts`);
  }
});

test("docs/rules.md is up to date (npm run build && npm run docs rewrites it)", () => {
  assert.equal(readFileSync("docs/rules.md", "utf8"), renderRulesDoc(), "docs/rules.md is stale: run `npm run build && npm run docs`");
});
