import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { packRegex, parsePack } from "./pack.js";

test("a rule with every field", () => {
  const pack = parsePack(
    "p.yml",
    [
      "rules:",
      "  - id: risk",
      "    severity: BLOCK",
      "    description: risk limits",
      "    paths: ['config/**', '!config/dev/**']",
      "    added: '(?i)max_leverage'",
      "    removed: 'stop_loss'",
      "    min_changed_lines: 50",
      "    requires_justification: true",
      "    justification_pattern: 'Risk sign-off:'",
      "  - id: minimal",
    ].join("\n"),
  );
  const [risk, minimal] = pack.rules;
  assert.equal(risk?.severity, "BLOCK");
  assert.deepEqual(risk?.paths, ["config/**", "!config/dev/**"]);
  assert.ok(risk?.added?.test("MAX_LEVERAGE: 5"), "(?i) is read as the i flag");
  assert.equal(risk?.minChangedLines, 50);
  assert.ok(risk?.justificationPattern?.test("notes\nrisk SIGN-OFF: ok"), "justification patterns ignore case and match any line");
  assert.deepEqual(
    { ...minimal, added: undefined },
    {
      id: "minimal",
      severity: "WARN",
      description: "minimal",
      paths: ["**"],
      added: undefined,
      removed: undefined,
      minChangedLines: undefined,
      requiresJustification: false,
      justificationPattern: undefined,
    },
  );
});

test("every mistake of a pack is reported with its place, and the pack is refused", () => {
  const text = [
    "rules:",
    "  - id: a",
    "    severity: block",
    "    added: '(unclosed'",
    "    paths: ['src/[z-a]']",
    "    min_changed_lines: 0",
    "    requires_justifcation: true",
    "  - id: a",
  ].join("\n");
  assert.throws(
    () => parsePack("p.yml", text),
    (err: Error) => {
      assert.match(err.message, /p\.yml:3:15: rule 'a': severity must be BLOCK or WARN, not 'block'/);
      assert.match(err.message, /p\.yml:4:12: rule 'a': 'added' is not a valid regular expression/);
      assert.match(err.message, /path pattern 'src\/\[z-a\]' is invalid/);
      assert.match(err.message, /'min_changed_lines' must be a whole number of at least 1/);
      assert.match(err.message, /p\.yml:7:5: rule 'a': unknown key 'requires_justifcation'/);
      assert.match(err.message, /p\.yml:8:9: rule 'a': the id is used by an earlier rule/);
      return true;
    },
  );
  assert.throws(() => parsePack("p.yml", "rule: []"), /needs a 'rules:' list/);
  assert.throws(() => parsePack("p.yml", "rules: [a"), /not valid YAML/);
});

test("inline flags", () => {
  assert.equal(packRegex("(?im)^x").flags, "im");
  assert.equal(packRegex("(?s)a.b", "i").flags, "is");
});

test("the example trading pack is valid", () => {
  const pack = parsePack("examples/policy/trading.yml", readFileSync("examples/policy/trading.yml", "utf8"));
  assert.deepEqual(
    pack.rules.map((r) => r.id),
    ["no-secrets", "no-live-trading-unlock", "risk-limit-change", "order-execution-test-plan", "large-strategy-change"],
  );
});
