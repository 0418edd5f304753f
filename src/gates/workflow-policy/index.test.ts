// Every policy rule: a workflow that breaks it, one that does not, and suppression by a
// comment on the line, on the line above, and at the top of the file.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lines } from "../../workflow/checks/harness.js";
import { POLICY_RULES, workflowPolicy } from "./index.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

/** A workflow that passes every rule; cases add to its steps. */
function clean(...steps: string[]): string {
  return lines(
    "on: push",
    "permissions:",
    "  contents: read",
    "jobs:",
    "  build:",
    "    runs-on: ubuntu-latest",
    "    timeout-minutes: 10",
    "    steps:",
    "      - uses: actions/checkout@v4",
    ...steps,
  );
}

interface Case {
  rule: string;
  bad: string;
  /** The line the finding must be on. */
  line: number;
  good: string;
  files?: string[];
}

const CASES: Case[] = [
  {
    rule: "missing-permissions",
    bad: lines("on: push", "jobs:", "  build:", "    runs-on: ubuntu-latest", "    timeout-minutes: 5", "    steps:", "      - run: make"),
    line: 3,
    good: lines(
      "on: push",
      "jobs:",
      "  build:",
      "    runs-on: ubuntu-latest",
      "    permissions: {}",
      "    timeout-minutes: 5",
      "    steps:",
      "      - run: make",
    ),
  },
  {
    rule: "excessive-permissions",
    bad: clean().replace("contents: read", "contents: write"),
    line: 3,
    good: clean("      - run: git push origin HEAD:refs/heads/generated").replace("contents: read", "contents: write"),
  },
  {
    rule: "missing-timeout",
    bad: clean().replace("    timeout-minutes: 10\n", ""),
    line: 5,
    good: clean(),
  },
  {
    rule: "missing-concurrency",
    bad: clean().replace("on: push", "on: [push, pull_request]"),
    line: 1,
    good: clean().replace("on: push", "on: [push, pull_request]") + "concurrency:\n  group: ci-${{ github.ref }}\n  cancel-in-progress: true\n",
  },
  {
    rule: "unpinned-action",
    bad: clean("      - uses: codecov/codecov-action@v4"),
    line: 10,
    good: clean(`      - uses: codecov/codecov-action@${SHA} # v4`),
  },
  {
    rule: "cache-key-lockfiles",
    bad: clean("      - uses: actions/cache@v4", "        with:", "          path: ~/.cache/pip", "          key: pip-${{ runner.os }}"),
    line: 13,
    good: clean(
      "      - uses: actions/cache@v4",
      "        with:",
      "          path: ~/.cache/pip",
      "          key: pip-${{ runner.os }}-${{ hashFiles('**/requirements*.txt') }}",
    ),
  },
  {
    rule: "template-injection",
    bad: clean('      - run: echo "${{ github.event.head_commit.message }}"'),
    line: 10,
    good: clean('      - run: echo "$MESSAGE"', "        env:", "          MESSAGE: ${{ github.event.head_commit.message }}"),
  },
  {
    rule: "untrusted-checkout",
    bad: clean("      - uses: actions/checkout@v4", "        with:", "          ref: ${{ github.event.pull_request.head.sha }}").replace(
      "on: push",
      "on: pull_request_target",
    ),
    line: 12,
    good: clean("      - uses: actions/checkout@v4", "        with:", "          ref: ${{ github.event.pull_request.head.sha }}").replace(
      "on: push",
      "on: pull_request",
    ),
  },
  {
    rule: "secrets-untrusted-trigger",
    bad: clean(`      - uses: some/deployer@${SHA}`, "        with:", "          token: ${{ secrets.DEPLOY_TOKEN }}").replace("on: push", "on: issue_comment"),
    line: 12,
    good: clean(`      - uses: some/deployer@${SHA}`, "        with:", "          token: ${{ secrets.DEPLOY_TOKEN }}"),
  },
  {
    rule: "deprecated-command",
    bad: clean('      - run: echo "::set-output name=version::1.0"'),
    line: 10,
    good: clean('      - run: echo "version=1.0" >> "$GITHUB_OUTPUT"'),
  },
];

function findings(yaml: string, files?: string[]) {
  return workflowPolicy(".github/workflows/w.yml", yaml, { files });
}

function ofRule(yaml: string, rule: string, files?: string[]): number[] {
  return findings(yaml, files)
    .filter((f) => f.ruleId === rule)
    .map((f) => f.line ?? 0);
}

test("the cases cover every rule", () => {
  assert.deepEqual(CASES.map((c) => c.rule).sort(), POLICY_RULES.map((r) => r.id).sort());
});

test("the clean workflow breaks no rule", () => {
  assert.deepEqual(findings(clean()), []);
});

describe("each rule", () => {
  for (const c of CASES) {
    test(`${c.rule}: reported on the offending line`, () => {
      assert.deepEqual(ofRule(c.bad, c.rule, c.files), [c.line], JSON.stringify(findings(c.bad, c.files), null, 1));
      const f = findings(c.bad, c.files).find((x) => x.ruleId === c.rule);
      assert.ok(f?.hint, "every finding has a fix hint");
      assert.equal(f?.severity, POLICY_RULES.find((r) => r.id === c.rule)?.severity);
    });
    test(`${c.rule}: not reported when the workflow complies`, () => {
      assert.deepEqual(ofRule(c.good, c.rule, c.files), []);
    });
    test(`${c.rule}: suppressed on the line, on the line above, and for the whole file`, () => {
      const text = c.bad.split("\n");
      const at = c.line - 1;
      const indent = /^\s*/.exec(text[at] as string)?.[0] ?? "";
      const onLine = [...text.slice(0, at), `${text[at]} # tierci: ignore[${c.rule}]`, ...text.slice(at + 1)].join("\n");
      const above = [...text.slice(0, at), `${indent}# tierci: ignore[other-rule, ${c.rule}]`, ...text.slice(at)].join("\n");
      const file = `# tierci: ignore[${c.rule}]\n${c.bad}`;
      assert.deepEqual(ofRule(onLine, c.rule, c.files), []);
      assert.deepEqual(ofRule(above, c.rule, c.files), []);
      assert.deepEqual(ofRule(file, c.rule, c.files), []);
    });
  }
});

test("--strict makes every finding an error", () => {
  const bad = clean("      - uses: codecov/codecov-action@v4");
  assert.deepEqual(
    workflowPolicy("w.yml", bad, { strict: true }).map((f) => f.severity),
    ["error"],
  );
});

test("a suppression names only the rules it lists", () => {
  const bad = clean("      - uses: codecov/codecov-action@v4 # tierci: ignore[missing-timeout]");
  assert.deepEqual(ofRule(bad, "unpinned-action"), [10]);
});

test("a file that is not a YAML mapping has no policy findings (validation reports it)", () => {
  assert.deepEqual(findings("on: [push\n"), []);
});
