import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { FileChange } from "../../git/unified-diff.js";
import { decisionExitCode, evaluatePack, isJustified } from "./evaluate.js";
import { parsePack } from "./pack.js";

function change(path: string, added: string[], removed: string[] = []): FileChange {
  return { path, added: added.map((text, i) => ({ line: i + 10, text })), removed: removed.map((text, i) => ({ line: i + 20, text })), binary: false };
}

const pack = parsePack(
  "p.yml",
  `rules:
  - id: no-debug
    severity: WARN
    description: no debug prints
    paths: ["src/**"]
    added: 'print\\('
  - id: keep-stop-loss
    severity: BLOCK
    description: stop losses stay
    paths: ["config/*.yml"]
    removed: 'stop_loss'
  - id: big
    severity: WARN
    description: large change
    paths: ["src/**", "!src/generated/**"]
    min_changed_lines: 4
  - id: touch-exec
    severity: BLOCK
    description: execution needs a test plan
    paths: ["src/**/execution/**"]
    requires_justification: true
    justification_pattern: 'Test plan:\\s*\\S'
`,
);

test("added and removed regexes fire on their lines only, in matching paths", () => {
  const r = evaluatePack(
    pack,
    [change("src/a.py", ["x = 1", "print(x)"]), change("tools/b.py", ["print(1)"]), change("config/risk.yml", ["stop_loss: 0.1"], ["stop_loss: 0.05"])],
    "",
  );
  assert.deepEqual(
    r.findings.map((f) => `${f.ruleId}@${f.file}:${f.line}:${f.level}`),
    ["no-debug@src/a.py:11:WARN", "keep-stop-loss@config/risk.yml:20:BLOCK"],
  );
  assert.equal(r.decision, "BLOCK");
  assert.equal(r.highest, "BLOCK");
  assert.match(r.findings[1]?.message ?? "", /stop losses stay: a removed line \(20 in the base version\) matches the rule's 'removed' pattern/);
});

test("min_changed_lines counts added and removed lines over every matching file", () => {
  const under = evaluatePack(pack, [change("src/a.py", ["a"], ["b"]), change("src/generated/x.py", ["1", "2", "3"])], "");
  assert.deepEqual(under.findings, []);
  assert.equal(under.decision, "ALLOW");
  const over = evaluatePack(pack, [change("src/a.py", ["a"], ["b"]), change("src/b.py", ["c", "d"])], "");
  assert.deepEqual(
    over.findings.map((f) => `${f.ruleId}@${f.file}:${f.line}`),
    ["big@src/a.py:10"],
  );
  assert.match(over.findings[0]?.message ?? "", /4 changed lines in 2 matching file\(s\), at least 4/);
  assert.equal(over.decision, "REVIEW_REQUIRED");
});

test("a rule without line conditions fires on touching a file; a justification satisfies it", () => {
  const touched = [change("src/core/execution/router.py", ["route()"])];
  const r = evaluatePack(pack, touched, "Fixes routing.");
  assert.deepEqual(
    r.findings.map((f) => f.ruleId),
    ["touch-exec"],
  );
  assert.match(r.findings[0]?.hint ?? "", /Test plan/);
  const ok = evaluatePack(pack, touched, "Fixes routing.\n\nTest plan: replayed the 2024-03 session");
  assert.deepEqual(ok.findings, []);
  assert.deepEqual(ok.justified, ["touch-exec"]);
  assert.equal(ok.decision, "ALLOW");
});

test("without a pattern, a 'Justification:' line with text justifies, in plain or Markdown form", () => {
  const rule = { ...pack.rules[0], requiresJustification: true, justificationPattern: undefined } as (typeof pack.rules)[number];
  for (const text of ["Justification: needed for the Q3 launch", "- **Justification:** approved by risk", "> justification: see ticket"])
    assert.ok(isJustified(rule, `Body\n${text}\n`), text);
  for (const text of ["Justification:", "no justification given", "Justification:   \nnext"]) assert.ok(!isJustified(rule, text), text);
});

test("decisions map to exit codes", () => {
  assert.deepEqual((["ALLOW", "REVIEW_REQUIRED", "BLOCK"] as const).map(decisionExitCode), [0, 1, 2]);
});

test("the trading pack: secrets, live trading, risk limits, execution paths", () => {
  const trading = parsePack("trading.yml", readFileSync("examples/policy/trading.yml", "utf8"));
  const fired = (changes: FileChange[], context = "") => evaluatePack(trading, changes, context).findings.map((f) => f.ruleId);
  assert.deepEqual(fired([change("src/bot/client.py", ['API_KEY = "AKIAABCDEFGHIJKLMNOP"'])]), ["no-secrets"]);
  assert.deepEqual(fired([change("src/bot/client.py", ['api_key = os.environ["API_KEY"]', 'password = ""'])]), []);
  assert.deepEqual(fired([change("config/bot.yml", ["live_trading: true"])]), ["no-live-trading-unlock"]);
  assert.deepEqual(fired([change("scripts/run.sh", ["python -m bot --live"])]), ["no-live-trading-unlock"]);
  assert.deepEqual(fired([change("config/bot.yml", ["live_trading: false"])]), []);
  assert.deepEqual(fired([change("config/risk.yml", ["max_leverage: 5"], ["max_leverage: 2"])]), ["risk-limit-change", "risk-limit-change"]);
  assert.deepEqual(fired([change("config/risk.yml", ["max_leverage: 5"], ["max_leverage: 2"])], "Justification: approved by the risk committee"), []);
  assert.deepEqual(fired([change("src/bot/execution/orders.py", ["qty = round(qty)"])]), ["order-execution-test-plan"]);
  assert.deepEqual(fired([change("src/bot/execution/orders.py", ["qty = round(qty)"])], "## Test plan\n\nPaper-traded for a day."), []);
  assert.deepEqual(
    fired([
      change(
        "src/bot/strategies/mean.py",
        Array.from({ length: 300 }, (_, i) => `x${i} = ${i}`),
      ),
    ]),
    ["large-strategy-change"],
  );
});
