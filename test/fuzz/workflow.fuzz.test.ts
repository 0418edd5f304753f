// Property-based tests of the workflow loader and tiers.yml: random and mutated real files load to
// workflows or to positioned diagnostics, never to a crash or a hang.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import fc from "fast-check";
import { loadRepository } from "../../src/workflow/load.js";
import { readTiers } from "../../src/workflow/tiers.js";
import { parseYamlSource } from "../../src/workflow/yaml-tree.js";
import { mutated, RUNS, valueOrKnownError } from "./fuzz-support.js";

const EXAMPLE = "examples/trading-bot/.github";
const workflows = readdirSync(join(EXAMPLE, "workflows")).map((f) => readFileSync(join(EXAMPLE, "workflows", f), "utf8"));
const tiers = readFileSync(join(EXAMPLE, "tiers.yml"), "utf8");
const dir = mkdtempSync(join(tmpdir(), "tierci-fuzz-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("the workflow loader: every file loads to a workflow or to diagnostics with a file:line:col", async () => {
  mkdirSync(join(dir, ".github", "workflows"), { recursive: true });
  // The loader imports GitHub's parser on its first analysis; that import is not a case's time.
  writeFileSync(join(dir, ".github", "workflows", "w.yml"), workflows[0] ?? "");
  await loadRepository(dir);
  await fc.assert(
    fc.asyncProperty(fc.oneof(mutated(workflows), fc.string({ maxLength: 400 })), async (text) => {
      writeFileSync(join(dir, ".github", "workflows", "w.yml"), text);
      await valueOrKnownError(async () => {
        const repo = await loadRepository(dir);
        for (const d of repo.diagnostics) assert.ok(d.file !== "" && d.line >= 1 && d.col >= 1, JSON.stringify(d));
      }, []);
    }),
    { numRuns: RUNS },
  );
});

test("tiers.yml: every file gives tiers or positioned diagnostics", async () => {
  const names = ["lint.yml", "unit-tests.yml", "integration.yml", "security.yml", "nightly.yml"];
  await fc.assert(
    fc.asyncProperty(fc.oneof(mutated([tiers]), fc.string({ maxLength: 300 })), async (text) => {
      await valueOrKnownError(() => {
        const result = readTiers(parseYamlSource(".github/tiers.yml", text), names);
        for (const d of result.diagnostics) assert.ok(d.line >= 1 && d.col >= 1, JSON.stringify(d));
      }, []);
    }),
    { numRuns: RUNS },
  );
});
