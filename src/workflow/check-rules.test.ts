import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CHECK_RULES, checkPhase } from "./check-rules.js";

// Every rule id the checks report must be classified, or plan and run would refuse over it.
test("every rule id a check reports has a row in the table", () => {
  const dirs = ["src/workflow", "src/workflow/checks", "src/plan"];
  const used = new Set<string>();
  for (const dir of dirs) {
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts"))) {
      const text = readFileSync(join(dir, name), "utf8");
      for (const m of text.matchAll(/\bRULE\w* = "([a-z-]+)"|\brule: "([a-z-]+)"|rule = "([a-z-]+)"/g)) used.add(m[1] ?? m[2] ?? m[3] ?? "");
    }
  }
  assert.ok(used.size >= 15, `found only ${used.size} rule ids`);
  assert.deepEqual(
    [...used].filter((r) => !(r in CHECK_RULES)),
    [],
  );
});

test("run-time problems only warn in plan and run; what GitHub refuses, and unknown rules, refuse", () => {
  assert.equal(checkPhase("expression"), "runtime");
  assert.equal(checkPhase("matrix"), "runtime");
  assert.equal(checkPhase("syntax"), "refused");
  assert.equal(checkPhase("needs"), "refused");
  assert.equal(checkPhase("no-such-rule"), "refused");
  for (const [id, rule] of Object.entries(CHECK_RULES)) assert.ok(rule.phase !== "advice" || rule.severity === "warning", id);
});
