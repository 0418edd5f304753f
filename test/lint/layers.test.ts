// The layer rule of eslint.config.js bites: an upward or sideways import under src/ fails
// `npm run lint`, a downward one passes.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { ESLint } from "eslint";

const root = process.cwd();

async function layerProblems(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === "tierci/layers").map((m) => m.message);
}

test("a lower layer importing a higher one is an error that names both", async () => {
  const problems = await layerProblems("src/store/fixture.ts", 'import type { JobSink } from "../runner/job-types.js";\nexport type X = JobSink;\n');
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? "", /src\/store \(layer 4\) must not import src\/runner \(layer 7\)/);
});

test("a sideways import inside one layer is an error too; dynamic imports and re-exports are checked", async () => {
  assert.equal((await layerProblems("src/gates/fixture.ts", 'export * from "../engine/types.js";\n')).length, 1);
  assert.equal((await layerProblems("src/workflow/fixture.ts", 'export const m = import("../plan/plan-types.js");\n')).length, 1);
});

test("importing a lower layer or the same folder is fine; a folder in no layer is reported", async () => {
  assert.deepEqual(
    await layerProblems("src/runner/fixture.ts", 'import { sleep } from "../util/sleep.js";\nimport { x } from "./job-types.js";\nexport { sleep, x };\n'),
    [],
  );
  const unknown = await layerProblems("src/newfolder/fixture.ts", 'import { sleep } from "../util/sleep.js";\nexport { sleep };\n');
  assert.match(unknown[0] ?? "", /src\/newfolder is in no layer/);
});

test("tests are exempt: they may import across layers", async () => {
  assert.deepEqual(await layerProblems("src/store/fixture.test.ts", 'import type { JobSink } from "../runner/job-types.js";\nexport type X = JobSink;\n'), []);
});
