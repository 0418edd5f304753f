// Shared by the property-based tests: how many cases to try (a bounded number in `npm test`, many
// more with `npm run fuzz`), mutations of real inputs, and the property they all check: a value or
// a positioned error, never a crash, within a time bound.
import assert from "node:assert/strict";
import fc from "fast-check";

/** Cases per property: TIERCI_FUZZ_RUNS, 60 by default so the suite stays quick. */
export const RUNS = Number(process.env["TIERCI_FUZZ_RUNS"] ?? 60);

/** A single case taking longer than this is a hang. */
export const CASE_MS = 2000;

/** A real text with a few random edits: characters deleted, inserted, replaced, lines duplicated. */
export function mutated(texts: readonly string[]): fc.Arbitrary<string> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
    fc.record({
      kind: fc.constant("insert" as const),
      at: fc.nat(),
      text: fc.oneof(
        fc.string({ maxLength: 12 }),
        fc.constantFrom("${{", "}}", ": ", "\n  - ", "&a", "*a", "<", "]]>", '"', "\\", "\u0000", "::", "=", "<<EOF\n"),
      ),
    }),
    fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
  );
  return fc.tuple(fc.constantFrom(...texts), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([text, edits]) => {
    let out = text;
    for (const e of edits) {
      const at = out.length === 0 ? 0 : e.at % out.length;
      if (e.kind === "delete") out = out.slice(0, at) + out.slice(at + e.length);
      else if (e.kind === "insert") out = out.slice(0, at) + e.text + out.slice(at);
      else out = out.slice(0, at) + out.slice(at, at + e.length) + out.slice(at);
    }
    return out;
  });
}

/**
 * Runs `fn` on the input and passes when it returns, or throws one of the `expected` errors (the
 * positioned errors the module documents); anything else, or a case over CASE_MS, fails.
 */
export async function valueOrKnownError(fn: () => unknown, expected: readonly (abstract new (...args: never[]) => Error)[]): Promise<void> {
  const start = Date.now();
  try {
    await fn();
  } catch (err) {
    if (!expected.some((E) => err instanceof E)) throw err;
  }
  const ms = Date.now() - start;
  assert.ok(ms < CASE_MS, `one case took ${ms} ms`);
}
