import assert from "node:assert/strict";
import { test } from "node:test";
import { lines } from "../../workflow/checks/harness.js";
import { workflowPolicy } from "./index.js";

function perms(yaml: string): string[] {
  return workflowPolicy("w.yml", yaml)
    .filter((f) => f.ruleId.endsWith("-permissions"))
    .map((f) => `${f.line}:${f.ruleId}:${f.message}`);
}

const job = (id: string, ...rest: string[]) => [`  ${id}:`, "    runs-on: ubuntu-latest", "    timeout-minutes: 5", ...rest];

test("without workflow permissions, each job that sets none is reported, not the ones that do", () => {
  const yaml = lines("on: push", "jobs:", ...job("a", "    steps: [{ run: make }]"), ...job("b", "    permissions: read-all", "    steps: [{ run: make }]"));
  assert.deepEqual(
    perms(yaml).map((p) => p.split(":").slice(0, 2).join(":")),
    ["3:missing-permissions"],
  );
});

test("workflow-level write is judged against the jobs that inherit it", () => {
  const yaml = lines(
    "on: push",
    "permissions:",
    "  contents: write",
    "jobs:",
    ...job("release", "    permissions: { contents: write }", "    steps: [{ run: git push --tags }]"),
    ...job("test", "    steps: [{ run: make test }]"),
  );
  // Only `test` inherits the workflow's contents: write, and it does not push.
  assert.deepEqual(perms(yaml), ["3:excessive-permissions:the workflow grants 'contents: write', and no step appears to write contents"]);
});

test("known actions and commands use their scopes; write-all names them in the hint", () => {
  const yaml = lines(
    "on: push",
    "permissions: write-all",
    "jobs:",
    ...job("a", "    steps:", "      - run: gh pr comment 1 --body ok", "      - uses: softprops/action-gh-release@v2"),
  );
  const [finding] = workflowPolicy("w.yml", yaml).filter((f) => f.ruleId === "excessive-permissions");
  assert.equal(finding?.line, 2);
  assert.match(finding?.hint ?? "", /contents: write, pull-requests: write/);

  const scoped = yaml.replace("permissions: write-all", "permissions:\n  contents: write\n  pull-requests: write\n  issues: write");
  assert.deepEqual(
    perms(scoped).map((p) => p.split(":").slice(0, 2).join(":")),
    ["5:excessive-permissions"],
  );
});

test("a step that may use the token for anything makes every write scope count as used", () => {
  const opaqueSteps = [
    "      - uses: actions/github-script@v7",
    "      - run: gh api repos/o/r/labels -f name=x",
    "      - uses: unknown/action@0123456789abcdef0123456789abcdef01234567",
    "      - uses: ./local-action",
    "      - run: python tools/publish.py\n        env: { GITHUB_TOKEN: '${{ github.token }}' }",
  ];
  for (const step of opaqueSteps) {
    const yaml = lines("on: push", "permissions: { issues: write, statuses: write }", "jobs:", ...job("a", "    steps:", step));
    assert.deepEqual(perms(yaml), [], step);
  }
  const readOnly = lines(
    "on: push",
    "permissions: { statuses: write }",
    "jobs:",
    ...job("a", "    steps:", "      - uses: astral-sh/setup-uv@0123456789abcdef0123456789abcdef01234567", "      - run: pytest"),
  );
  assert.equal(perms(readOnly).length, 1);
});

test("a reusable workflow call may need any scope", () => {
  const yaml = lines("on: push", "jobs:", "  call:", "    permissions: { contents: write }", "    uses: ./.github/workflows/release.yml");
  assert.deepEqual(perms(yaml), []);
});
