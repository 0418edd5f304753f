import assert from "node:assert/strict";
import { test } from "node:test";
import { lines } from "../../workflow/checks/harness.js";
import { workflowPolicy } from "./index.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

function wf(on: string, ...stepLines: string[]): string {
  return lines(
    `on: ${on}`,
    "permissions: {}",
    "concurrency: x",
    "jobs:",
    "  a:",
    "    runs-on: ubuntu-latest",
    "    timeout-minutes: 5",
    "    steps:",
    ...stepLines,
  );
}

function rules(yaml: string): string[] {
  return workflowPolicy("w.yml", yaml).map((f) => `${f.line}:${f.ruleId}`);
}

test("workflow_run and issue_comment checkouts of pull request code, by action or command", () => {
  assert.deepEqual(rules(wf("workflow_run", "      - uses: actions/checkout@v4", "        with: { ref: '${{ github.event.workflow_run.head_sha }}' }")), [
    "10:untrusted-checkout",
  ]);
  assert.deepEqual(rules(wf("issue_comment", "      - run: gh pr checkout ${{ github.event.issue.number }}")), ["9:untrusted-checkout"]);
  assert.deepEqual(rules(wf("pull_request_target", "      - uses: actions/checkout@v4")), [], "the base branch is safe to check out");
});

test("secrets in a job that checks out pull request code: every one, the token included", () => {
  const yaml = wf(
    "pull_request_target",
    "      - uses: actions/checkout@v4",
    "        with:",
    "          ref: ${{ github.head_ref }}",
    "      - run: make test",
    "        env:",
    "          A: ${{ secrets.GITHUB_TOKEN }}",
    "          B: x-${{ secrets.API_KEY }}",
  );
  assert.deepEqual(rules(yaml), ["11:untrusted-checkout", "14:secrets-untrusted-trigger", "15:secrets-untrusted-trigger"]);
  const [b] = workflowPolicy("w.yml", yaml).filter((f) => f.line === 15);
  assert.equal(b?.col, 20, "the column of the secret inside the value");
});

test("secrets given to third-party actions on privileged triggers, but not the token or first-party actions", () => {
  const yaml = wf(
    "pull_request_target",
    `      - uses: some/labeler@${SHA}`,
    "        with:",
    "          repo-token: ${{ secrets.GITHUB_TOKEN }}",
    "          slack: ${{ secrets.SLACK }}",
    "      - uses: actions/upload-artifact@v4",
    "        env: { X: '${{ secrets.X }}' }",
  );
  assert.deepEqual(rules(yaml), ["12:secrets-untrusted-trigger"]);
  assert.deepEqual(rules(yaml.replace("on: pull_request_target", "on: pull_request")), []);
});

test("the ACTIONS_ALLOW_UNSECURE_COMMANDS opt-in is a deprecated-command finding; a disabled command stays a validation error", () => {
  const optIn = wf("push", "      - run: echo '::set-env name=A::1'", "        env:", "          ACTIONS_ALLOW_UNSECURE_COMMANDS: true");
  assert.deepEqual(rules(optIn), ["11:deprecated-command"]);
  assert.deepEqual(rules(wf("push", "      - run: echo '::add-path::/x'")), []);
});

test("template injection into a github-script body", () => {
  const yaml = wf("issues", "      - uses: actions/github-script@v7", "        with:", "          script: console.log('${{ github.event.issue.body }}')");
  assert.deepEqual(rules(yaml), ["11:template-injection"]);
});
