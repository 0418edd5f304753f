import assert from "node:assert/strict";
import { after, test } from "node:test";
import { makeRepo, type TestRepo } from "../../test/support/git-repo.js";
import { loadRepository } from "../workflow/load.js";
import { synthesizeEvent } from "./event-payload.js";
import { buildPlan } from "./plan.js";
import { planToJson } from "./plan-json.js";

const repos: TestRepo[] = [];
after(() => repos.forEach((r) => r.remove()));

async function planOf(files: Record<string, string>, event = "push", inputs: Record<string, string> = {}) {
  const r = makeRepo();
  repos.push(r);
  for (const [p, t] of Object.entries(files)) r.write(p, t);
  r.commit("init");
  const repo = await loadRepository(r.dir);
  assert.deepEqual(
    repo.diagnostics.filter((d) => d.severity === "error"),
    [],
  );
  const ev = synthesizeEvent(r.dir, event, { inputs, actor: "octocat" });
  return buildPlan(repo, {
    name: event,
    payload: ev.payload,
    facts: ev.facts,
    sha: ev.sha,
    ref: ev.ref,
    actor: "octocat",
    repository: "o/r",
    inputs,
    vars: { LEVEL: "full" },
  });
}

test("a local reusable workflow is planned inside its caller with evaluated inputs", async () => {
  const { plan, diagnostics } = await planOf({
    ".github/workflows/ci.yml": `
on: push
jobs:
  call:
    uses: ./.github/workflows/build.yml
    with:
      target: \${{ github.event_name }}-x
      count: 3
`,
    ".github/workflows/build.yml": `
on:
  workflow_call:
    inputs:
      target: { type: string, required: true }
      count: { type: number }
      verbose: { type: boolean, default: true }
    outputs:
      artifact:
        value: \${{ jobs.compile.outputs.name }}
jobs:
  compile:
    name: compile \${{ inputs.target }}
    runs-on: ubuntu-latest
    outputs:
      name: \${{ steps.c.outputs.name }}
    steps: [{ id: c, run: echo }]
`,
  });
  assert.deepEqual(diagnostics, []);
  const ci = plan.tiers[0]?.workflows.find((w) => w.file.endsWith("ci.yml"));
  const call = ci?.jobs[0];
  assert.equal(call?.calls?.file, ".github/workflows/build.yml");
  assert.deepEqual(call?.calls?.inputs, { target: "push-x", count: 3, verbose: true });
  assert.equal(call?.calls?.jobs[0]?.name, "compile push-x");
  const json = planToJson(plan);
  assert.equal(json.tiers[0]?.workflows.find((w) => w.file.endsWith("ci.yml"))?.jobs[0]?.calls?.jobs[0]?.id, "compile");
  const build = plan.tiers[0]?.workflows.find((w) => w.file.endsWith("build.yml"));
  assert.equal(build?.fired, false, "a workflow_call-only workflow does not fire on push by itself");
});

test("matrix values from expressions and vars, and a matrix deferred to needs outputs", async () => {
  const { plan, diagnostics } = await planOf({
    ".github/workflows/m.yml": `
on: push
jobs:
  setup:
    runs-on: ubuntu-latest
    outputs:
      list: \${{ steps.s.outputs.list }}
    steps: [{ id: s, run: echo }]
  fixed:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        level: \${{ fromJSON('["quick", "full"]') }}
        mode: ["\${{ vars.LEVEL }}"]
    steps: [{ run: echo }]
  dynamic:
    needs: setup
    runs-on: ubuntu-latest
    strategy:
      matrix: \${{ fromJSON(needs.setup.outputs.list) }}
    steps: [{ run: echo }]
`,
  });
  assert.deepEqual(diagnostics, []);
  const jobs = plan.tiers[0]?.workflows[0]?.jobs ?? [];
  assert.deepEqual(
    jobs.filter((j) => j.id === "fixed").map((j) => j.name),
    ["fixed (quick, full)", "fixed (full, full)"],
  );
  const dynamic = jobs.find((j) => j.id === "dynamic");
  assert.match(dynamic?.deferred ?? "", /needed jobs/);
});

test("an invalid matrix is a diagnostic at the job, not a crash", async () => {
  const { diagnostics } = await planOf({
    ".github/workflows/m.yml": `
on: push
jobs:
  bad:
    runs-on: ubuntu-latest
    strategy:
      matrix: \${{ fromJSON('"just a string"') }}
    steps: [{ run: echo }]
`,
  });
  assert.equal(diagnostics.length, 1);
  assert.match(diagnostics[0]?.message ?? "", /matrix must be a mapping/);
  assert.equal(diagnostics[0]?.line, 4);
});

test("dispatch inputs reach the plan with their types and defaults", async () => {
  const { plan, diagnostics } = await planOf(
    {
      ".github/workflows/d.yml": `
on:
  workflow_dispatch:
    inputs:
      dry: { type: boolean, default: false }
      n: { type: number, default: 2 }
jobs:
  go:
    name: go \${{ inputs.n }} \${{ inputs.dry }}
    runs-on: ubuntu-latest
    steps: [{ run: echo }]
`,
    },
    "workflow_dispatch",
    { dry: "true" },
  );
  assert.deepEqual(diagnostics, []);
  const w = plan.tiers[0]?.workflows[0];
  assert.deepEqual(w?.inputs, { dry: true, n: 2 });
  assert.equal(w?.jobs[0]?.name, "go 2 true");
});
