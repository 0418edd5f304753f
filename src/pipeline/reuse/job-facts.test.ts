import assert from "node:assert/strict";
import { test } from "node:test";
import { buildWorkflow } from "../../workflow/build-model.js";
import { parseYamlSource } from "../../workflow/yaml-tree.js";
import { jobFacts } from "./job-facts.js";

function job(steps: string, extra = "") {
  const wf = buildWorkflow(
    parseYamlSource(".github/workflows/ci.yml", `on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n${extra}    steps:\n${steps}`),
    ".github/workflows/ci.yml",
  );
  const j = wf.jobs[0];
  if (!j) throw new Error("no job");
  return j;
}

const builtin = (name: string): boolean => name === "actions/checkout";

test("the commands run steps name are the tools a job depends on; shell words and assignments are not", () => {
  const facts = jobFacts(
    job("      - run: |\n          FOO=1 python -m pytest -q\n          if true; then npm test; fi\n          echo done | tee out.txt\n"),
    "push",
    builtin,
  );
  assert.deepEqual(facts.commands, ["npm", "python", "tee"]);
  assert.equal(facts.impure, null);
});

test("what makes a job impure is said, first reason first", () => {
  assert.match(jobFacts(job("      - run: curl -sSf https://example.invalid/x\n"), "push", builtin).impure ?? "", /step 1 runs curl, which reads the network/);
  assert.match(jobFacts(job("      - run: git fetch origin main\n"), "push", builtin).impure ?? "", /runs git fetch/);
  assert.match(jobFacts(job("      - run: echo hi\n"), "schedule", builtin).impure ?? "", /schedule events never reuse/);
  assert.match(jobFacts(job("      - run: echo hi\n", "    if: always()\n"), "push", builtin).impure ?? "", /always\(\)/);
  assert.match(jobFacts(job("      - uses: someone/action@v1\n"), "push", builtin).impure ?? "", /a ref that can move; pin it to a commit sha/);
  assert.equal(jobFacts(job(`      - uses: someone/action@${"a".repeat(40)}\n`), "push", builtin).impure, null);
  assert.equal(jobFacts(job("      - uses: actions/checkout@v4\n"), "push", builtin).impure, null);
  assert.equal(jobFacts(job("      - run: echo curly braces and wgets-are-words\n"), "push", builtin).impure, null);
});

test("local actions are directories of the tree the job sees", () => {
  assert.deepEqual(jobFacts(job("      - uses: ./.github/actions/build/\n"), "push", builtin).localActions, [".github/actions/build"]);
});
