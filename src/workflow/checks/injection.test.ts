import assert from "node:assert/strict";
import { test } from "node:test";
import { brief, lines, runCheck } from "./harness.js";
import { checkInjection } from "./injection.js";

test("untrusted event text pasted into a script or github-script body is a warning", () => {
  const yaml = lines(
    "on: pull_request",
    "jobs:",
    "  a:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    '      - run: echo "${{ github.event.pull_request.title }}"', // 6
    "      - run: |",
    "          echo ok",
    "          git log -1 ${{ github.event.commits[0].message }}", // 9
    "      - uses: actions/github-script@v7",
    "        with:",
    "          script: |",
    "            core.info('${{ github.head_ref }}')", // 13
  );
  assert.deepEqual(brief(runCheck(checkInjection, yaml)), ["6:warning", "9:warning", "13:warning"]);
});

test("untrusted text passed through env, and trusted fields, report nothing", () => {
  const yaml = lines(
    "on: pull_request",
    "jobs:",
    "  a:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    '      - run: echo "$TITLE" ${{ github.event.pull_request.number }} ${{ github.sha }}',
    "        env:",
    "          TITLE: ${{ github.event.pull_request.title }}",
    "      - uses: some/action@v1",
    "        with:",
    "          script: ${{ github.event.issue.body }}",
  );
  assert.deepEqual(runCheck(checkInjection, yaml), []);
});
