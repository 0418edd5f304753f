// `tierci policy check` on real repositories with the example trading pack: the decision
// and its exit code, findings with file:line, justifications from --context and from the
// pull request, usage errors, and tierci/policy-check@v1 inside a run.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { RunSummary } from "../../src/reports/run-summary.js";
import { repoFactory, type TempRepo } from "./harness.js";

const repo = repoFactory();
const PACK = readFileSync("examples/policy/trading.yml", "utf8");

/** main: the base project; then a feature branch with `files` committed. */
function featureRepo(files: Record<string, string>): TempRepo {
  const r = repo({
    ".github/tierci-policy.yml": PACK,
    "config/risk.yml": "max_position: 10\nmax_leverage: 2\n",
    "src/bot/execution/orders.py": "def submit(order):\n    return order\n",
    "src/bot/client.py": "import os\nKEY = os.environ['API_KEY']\n",
  });
  r.git("checkout", "-q", "-b", "feature");
  r.write(files);
  r.commit("feature");
  return r;
}

test("a committed secret blocks: exit 2, the finding's file:line, decision BLOCK", () => {
  const r = featureRepo({ "src/bot/client.py": "import os\nKEY = os.environ['API_KEY']\naws_key = 'AKIAABCDEFGHIJKLMNOP'\n" });
  const res = r.cli("policy", "check", "--base", "main", "--head", "HEAD");
  assert.equal(res.code, 2, res.stdout + res.stderr);
  assert.match(res.stdout, /^src\/bot\/client\.py:3: BLOCK: Credentials must not be committed.*\[no-secrets\]$/m);
  assert.doesNotMatch(res.stdout, /AKIAABCDEFGHIJKLMNOP/, "the secret itself is not printed");
  assert.match(res.stdout, /^decision: BLOCK \(1 finding\(s\) in 1 changed file\(s\); highest severity BLOCK\)$/m);
});

test("only WARN rules: REVIEW_REQUIRED, exit 1", () => {
  const strategy = Array.from({ length: 320 }, (_, i) => `PARAM_${i} = ${i}`).join("\n");
  const r = featureRepo({ "src/bot/strategies/momentum.py": `${strategy}\n` });
  const res = r.cli("policy", "check", "--base", "main", "--head", "HEAD");
  assert.equal(res.code, 1, res.stdout + res.stderr);
  assert.match(res.stdout, /^src\/bot\/strategies\/momentum\.py:1: WARN: .*320 changed lines.*\[large-strategy-change\]$/m);
  assert.match(res.stdout, /decision: REVIEW_REQUIRED/);
});

test("an unremarkable change is allowed, exit 0", () => {
  const r = featureRepo({ "README.md": "# bot\n" });
  const res = r.cli("policy", "check", "--base", "main", "--head", "HEAD");
  assert.equal(res.code, 0, res.stdout + res.stderr);
  assert.match(res.stdout, /decision: ALLOW/);
});

test("a risk limit change needs a justification: from --context text, a --context file, or the pull request body", () => {
  const r = featureRepo({ "config/risk.yml": "max_position: 10\nmax_leverage: 5\n" });
  const bare = r.cli("policy", "check", "--base", "main", "--head", "HEAD");
  assert.equal(bare.code, 2);
  assert.match(bare.stdout, /^config\/risk\.yml:2: BLOCK: .*an added line.*the change gives no justification \[risk-limit-change\]$/m);
  assert.match(bare.stdout, /^config\/risk\.yml:2: BLOCK: .*removed line \(2 in the base version\)/m);
  assert.match(bare.stdout, /hint: add a 'Justification: <why>' line/);

  const text = r.cli("policy", "check", "--base", "main", "--head", "HEAD", "--context", "Justification: approved by the risk committee");
  assert.equal(text.code, 0, text.stdout);
  assert.match(text.stdout, /decision: ALLOW .*justified: risk-limit-change/);

  const file = join(r.dir, "..", `pr-body-${process.pid}.md`);
  writeFileSync(file, "## Why\n\n**Justification:** volatility is lower this quarter\n");
  assert.equal(r.cli("policy", "check", "--base", "main", "--head", "HEAD", "--context", file).code, 0);

  const event = join(tmpdir(), `tierci-event-${process.pid}.json`);
  writeFileSync(event, JSON.stringify({ pull_request: { body: "Raises leverage.\n\nJustification: signed off in RISK-12" } }));
  process.env["GITHUB_EVENT_PATH"] = event;
  try {
    assert.equal(r.cli("policy", "check", "--base", "main", "--head", "HEAD").code, 0);
  } finally {
    delete process.env["GITHUB_EVENT_PATH"];
  }
});

test("touching order execution needs a test plan; uncommitted changes count without --head", () => {
  const r = featureRepo({ "docs/x.md": "x\n" });
  r.write({ "src/bot/execution/orders.py": "def submit(order):\n    validate(order)\n    return order\n" });
  const res = r.cli("policy", "check", "--base", "main");
  assert.equal(res.code, 2, res.stdout);
  assert.match(res.stdout, /^src\/bot\/execution\/orders\.py:2: BLOCK: .*\[order-execution-test-plan\]$/m);
  assert.equal(r.cli("policy", "check", "--base", "main", "--context", "Test plan: replayed yesterday's orders against the sandbox").code, 0);
});

test("--json and --sarif", () => {
  const r = featureRepo({ "config/app.yml": "live_trading: true\n" });
  const sarifPath = join(r.dir, "..", `policy-${process.pid}.sarif`);
  const res = r.cli("policy", "check", "--base", "main", "--head", "HEAD", "--json", "-", "--sarif", sarifPath);
  assert.equal(res.code, 2);
  const json = JSON.parse(res.stdout) as {
    decision: string;
    highest_severity: string;
    count: number;
    findings: { ruleId: string; file: string; line: number; level: string }[];
  };
  assert.equal(json.decision, "BLOCK");
  assert.equal(json.highest_severity, "BLOCK");
  assert.deepEqual(
    json.findings.map((f) => [f.ruleId, f.file, f.line, f.level]),
    [["no-live-trading-unlock", "config/app.yml", 1, "BLOCK"]],
  );
  assert.match(res.stderr, /decision: BLOCK/, "the readable report moves to standard error");
  const sarif = JSON.parse(readFileSync(sarifPath, "utf8")) as { runs: { results: { ruleId: string; level: string }[] }[] };
  assert.deepEqual(
    sarif.runs[0]?.results.map((x) => [x.ruleId, x.level]),
    [["no-live-trading-unlock", "error"]],
  );
});

test("bad usage exits 2 with an error and no decision", () => {
  const r = featureRepo({ "README.md": "x\n" });
  const unknown = r.cli("policy", "check", "--base", "no-such-branch");
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^tierci: base 'no-such-branch' is not a commit/m);
  assert.doesNotMatch(unknown.stdout + unknown.stderr, /decision:/);

  r.write({ "bad-pack.yml": "rules:\n  - id: x\n    severity: HIGH\n" });
  const badPack = r.cli("policy", "check", "--base", "main", "--pack", join(r.dir, "bad-pack.yml"));
  assert.equal(badPack.code, 2);
  assert.match(badPack.stderr, /tierci: policy check: invalid policy pack:\n.*bad-pack\.yml:3:15: rule 'x': severity must be BLOCK or WARN/);

  const missingPack = r.cli("policy", "check", "--base", "main", "--pack", join(r.dir, "nope.yml"));
  assert.equal(missingPack.code, 2);
  assert.match(missingPack.stderr, /no policy pack at .*nope\.yml/);

  const noBase = r.cli("policy", "check");
  assert.equal(noBase.code, 2);
  assert.match(noBase.stderr, /required option '--base <ref>'/);
});

test("tierci/policy-check@v1 fails its step on BLOCK and passes on ALLOW", () => {
  const workflow = `on: push
jobs:
  policy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - id: check
        uses: tierci/policy-check@v1
        with:
          base: origin/main
      - run: echo "decision=\${{ steps.check.outputs.decision }}"
`;
  const r = featureRepo({ ".github/workflows/policy.yml": workflow, "config/app.yml": "live_trading: true\n" });
  const blocked = r.cli("run", "--offline", "--json", "-");
  const summary = JSON.parse(blocked.stdout) as RunSummary;
  assert.equal(blocked.code, 1, blocked.stderr);
  const job = summary.jobs[0];
  assert.equal(job?.steps[1]?.conclusion, "failure");
  assert.match(job?.annotations.map((a) => a.message).join("\n") ?? "", /policy check: BLOCK: config\/app\.yml:1 \[no-live-trading-unlock\]/);

  r.write({ "config/app.yml": "live_trading: false\n" });
  r.commit("paper trading only");
  const allowed = r.cli("run", "--offline", "--json", "-");
  assert.equal(allowed.code, 0, allowed.stderr);
});
