import assert from "node:assert/strict";
import { test } from "node:test";
import { checkExpressions } from "./expressions.js";
import { brief, lines, runCheck } from "./harness.js";

test("references to undeclared inputs, needs, outputs, steps and matrix keys are errors", () => {
  const yaml = lines(
    "on:",
    "  workflow_dispatch:",
    "    inputs:",
    "      target: {type: string}",
    "jobs:",
    "  build:",
    "    runs-on: ubuntu-latest",
    "    outputs: {version: '${{ steps.v.outputs.version }}'}",
    "    steps:",
    "      - run: echo ${{ inputs.targte }}", // 10
    "      - run: echo ${{ steps.v.outputs.version }}", // 11: v is the next step
    "        id: early",
    "      - id: v",
    "        run: echo ${{ github.event.inputs.nope }}", // 14
    "  test:",
    "    needs: build",
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - run: echo ${{ needs.build.outputs.versoin }}", // 19
    "      - run: echo ${{ needs.lint.result }}", // 20
    "      - run: echo ${{ matrix.os }}", // 21
  );
  assert.deepEqual(brief(runCheck(checkExpressions, yaml)), ["10:error", "11:error", "14:error", "19:error", "20:error", "21:error"]);
});

test("a missing value with a || fallback is only a warning", () => {
  const yaml = lines(
    "on: push",
    "jobs:",
    "  a:",
    "    strategy: {matrix: {python: ['3.12']}}",
    "    runs-on: ${{ matrix.os || 'ubuntu-latest' }}",
    "    steps: [{run: echo}]",
  );
  assert.deepEqual(brief(runCheck(checkExpressions, yaml)), ["5:warning"]);
});

test("broken fromJSON text, objects inside strings and object comparisons are errors", () => {
  const yaml = lines(
    "on: push",
    "jobs:",
    "  a:",
    "    strategy:",
    "      matrix:",
    "        cfg: [{name: x}]",
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - run: echo ${{ fromJSON('{\"a\":1') }}", // 9
    "      - run: echo event=${{ github.event }}", // 10
    "      - run: echo ${{ matrix.cfg == 'x' }}", // 11
    "      - run: echo ${{ contains(github.event, 'x') }}", // 12
  );
  assert.deepEqual(brief(runCheck(checkExpressions, yaml)), ["9:error", "10:error", "11:error", "12:error"]);
});

test("declared references and well-typed expressions report nothing", () => {
  const yaml = lines(
    "on:",
    "  workflow_call:",
    "    inputs:",
    "      target: {type: string}",
    "    outputs:",
    "      version: {value: '${{ jobs.build.outputs.version }}'}",
    "jobs:",
    "  build:",
    "    strategy:",
    "      matrix:",
    "        os: [ubuntu-latest]",
    "        include: [{extra: 1}]",
    "    runs-on: ${{ matrix.os }}",
    "    outputs: {version: '${{ steps.v.outputs.version }}'}",
    "    steps:",
    "      - id: v",
    "        run: echo ${{ inputs.TARGET }} ${{ matrix.extra }} ${{ toJSON(github.event) }}",
    "      - run: echo ${{ steps.V.outputs.version }} ${{ github.event.inputs.anything }}",
    "      - run: echo ${{ fromJSON('[1, 2]')[0] }} ${{ matrix.os == null }} ${{ contains(github.event.commits.*.message, 'x') }}",
    "  test:",
    "    needs: [build]",
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - run: echo ${{ needs.build.outputs.version }} ${{ needs.BUILD.result }}",
    "      - env: {CFG: '${{ fromJSON(vars.CFG) }}'}",
    "        run: echo",
  );
  assert.deepEqual(runCheck(checkExpressions, yaml), []);
});
