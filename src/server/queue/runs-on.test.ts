import assert from "node:assert/strict";
import { test } from "node:test";
import type { JobRequest } from "../../runner/job-types.js";
import { jobLabels, normalizeLabel } from "./runs-on.js";

function request(runsOn: unknown, matrix: Record<string, unknown> | null = null): JobRequest {
  return {
    job: { matrix, job: { runsOn } },
    workflow: { inputs: { pool: "gpu" } },
    strategy: {},
    needs: { setup: { result: "success", outputs: { label: "big" } } },
    options: { vars: { RUNNER: "rack" } },
    event: { name: "push", ref: "refs/heads/main", sha: "abc", repository: "acme/app", actor: "dev", payload: {} },
  } as unknown as JobRequest;
}

test("hosted images ask for their operating system, and arm ones for arm64", () => {
  assert.deepEqual(normalizeLabel("ubuntu-latest"), ["linux"]);
  assert.deepEqual(normalizeLabel("Ubuntu-24.04"), ["linux"]);
  assert.deepEqual(normalizeLabel("ubuntu-24.04-arm"), ["linux", "arm64"]);
  assert.deepEqual(normalizeLabel("windows-2025"), ["windows"]);
  assert.deepEqual(normalizeLabel("macos-15-large"), ["macos"]);
  assert.deepEqual(normalizeLabel("GPU"), ["gpu"]);
});

test("runs-on as a label, a list, a group form and expressions", () => {
  assert.deepEqual(jobLabels(request(undefined)), ["linux"]);
  assert.deepEqual(jobLabels(request("ubuntu-latest")), ["linux"]);
  assert.deepEqual(jobLabels(request(["self-hosted", "Linux", "X64"])), ["linux", "self-hosted", "x64"]);
  assert.deepEqual(jobLabels(request({ group: "big-runners", labels: ["self-hosted", "gpu"] })), ["gpu", "self-hosted"]);
  assert.deepEqual(jobLabels(request("${{ matrix.os }}", { os: "ubuntu-22.04" })), ["linux"]);
  assert.deepEqual(jobLabels(request(["self-hosted", "${{ inputs.pool }}", "${{ needs.setup.outputs.label }}", "${{ vars.RUNNER }}"])), [
    "big",
    "gpu",
    "rack",
    "self-hosted",
  ]);
  assert.deepEqual(jobLabels(request('${{ fromJSON(\'["self-hosted","arm64"]\') }}')), ["arm64", "self-hosted"]);
});
