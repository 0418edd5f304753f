// Locates the public conformance data. A fresh clone has no ../shared beside it, so the
// suites skip with one line; CI sets TIERCI_REQUIRE_CONFORMANCE=1 so they can never skip silently.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";

export const CONFORMANCE_DIR = resolve(process.env.TIERCI_CONFORMANCE_DIR ?? join("..", "shared", "conformance"));

/**
 * The directory of one conformance suite, or undefined when its data is absent. When absent it
 * registers a test that skips saying where the data was looked for, or fails if the data is required.
 */
export function conformanceSuite(name: string, entry: string): string | undefined {
  const dir = join(CONFORMANCE_DIR, entry);
  if (existsSync(dir)) return dir;
  const why = `${name} conformance data not found at ${dir} (set TIERCI_CONFORMANCE_DIR to its location)`;
  if (process.env.TIERCI_REQUIRE_CONFORMANCE === "1") {
    test(`${name} conformance`, () => {
      throw new Error(`${why}; TIERCI_REQUIRE_CONFORMANCE=1 requires it`);
    });
  } else {
    test(`${name} conformance`, { skip: why }, () => undefined);
  }
  return undefined;
}
