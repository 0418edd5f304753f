import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluateStructure, StructureError } from "./structured.js";

const contexts = { needs: { prepare: { outputs: { key: "python", values: '["3.11","3.12"]', obj: "{}" } } } };

test("mapping keys written as expressions become the strings they evaluate to", () => {
  const matrix = { "${{ needs.prepare.outputs.key }}": "${{ fromJSON(needs.prepare.outputs.values) }}", os: ["linux"] };
  assert.deepEqual(evaluateStructure(matrix, contexts), { python: ["3.11", "3.12"], os: ["linux"] });
});

test("a key that evaluates to an object or to nothing is an error naming the key", () => {
  assert.throws(
    () => evaluateStructure({ "${{ fromJSON(needs.prepare.outputs.obj) }}": 1 }, contexts),
    (e) => e instanceof StructureError && /must evaluate to a string/.test(e.message),
  );
  assert.throws(() => evaluateStructure({ "${{ needs.prepare.outputs.none }}": 1 }, contexts), /evaluates to an empty string/);
});
