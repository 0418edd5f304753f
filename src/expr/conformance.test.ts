// GitHub's cross-language expression tests (actions/languageservices, expressions/testdata), run
// through this module's public API.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { conformanceSuite } from "../../test/support/conformance-data.js";
import { ExpressionEvalError, evaluateExpression, type ExprContexts, type ExprValue } from "./evaluate.js";

interface Case {
  expr: string;
  contexts?: ExprContexts;
  result?: { kind: string; value: ExprValue };
  err?: { kind: string; value: string };
  options?: { skip?: string[] };
}

const DIR = conformanceSuite("expressions", "expressions");

function kindOf(value: ExprValue): string {
  if (value === null) return "Null";
  if (Array.isArray(value)) return "Array";
  switch (typeof value) {
    case "boolean":
      return "Boolean";
    case "number":
      return "Number";
    case "string":
      return "String";
    default:
      return "Object";
  }
}

/** Why the case fails, or undefined when it passes. */
function failure(c: Case): string | undefined {
  let value: ExprValue;
  try {
    value = evaluateExpression(c.expr, c.contexts ?? {});
  } catch (e) {
    if (!(e instanceof ExpressionEvalError)) return `unexpected ${String(e)}`;
    if (!c.err) return `unexpected ${e.kind} error: ${e.message}`;
    if (e.kind !== c.err.kind) return `expected a ${c.err.kind} error, got ${e.kind}: ${e.message}`;
    if (!e.message.includes(c.err.value)) return `expected message containing ${JSON.stringify(c.err.value)}, got ${JSON.stringify(e.message)}`;
    return undefined;
  }
  if (!c.result) return `expected a ${c.err?.kind} error, got ${JSON.stringify(value)}`;
  if (kindOf(value) !== c.result.kind) return `expected kind ${c.result.kind}, got ${kindOf(value)} ${JSON.stringify(value)}`;
  // Compared as JSON, as the upstream harness does (key order counts, -0 and 0 do not differ).
  if (JSON.stringify(value) !== JSON.stringify(c.result.value)) {
    return `expected ${JSON.stringify(c.result.value)}, got ${JSON.stringify(value)}`;
  }
  return undefined;
}

if (DIR !== undefined) {
  test("expressions conformance", () => {
    const files = readdirSync(DIR)
      .filter((f) => f.endsWith(".json"))
      .sort();
    assert.ok(files.length > 0, `no conformance files in ${DIR}`);
    let passed = 0;
    let skipped = 0;
    const failed: string[] = [];
    for (const file of files) {
      const groups = JSON.parse(readFileSync(join(DIR, file), "utf8")) as Record<string, Case[]>;
      for (const [group, cases] of Object.entries(groups)) {
        for (const c of cases) {
          if (c.options?.skip?.includes("typescript")) {
            skipped++;
            continue;
          }
          const why = failure(c);
          if (why === undefined) passed++;
          else failed.push(`${file} ${group}: ${JSON.stringify(c.expr)}: ${why}`);
        }
      }
    }
    console.log(`expressions conformance: ${passed} passed, ${skipped} skipped, ${failed.length} failed`);
    assert.deepEqual(failed, []);
  });
}
