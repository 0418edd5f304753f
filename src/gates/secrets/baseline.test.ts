import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Finding, GateReport } from "../finding.js";
import { applyBaseline, BaselineError, readBaseline } from "./baseline.js";
import { secretHash } from "./redact.js";

const dir = mkdtempSync(join(tmpdir(), "tierci-baseline-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const finding = (ruleId: string, file: string, secret: string, line = 1): Finding => ({
  ruleId,
  severity: "error",
  message: "m",
  file,
  line,
  properties: { secret: "****", secretSha256: secretHash(secret) },
});

const report = (findings: Finding[]): GateReport => ({ gate: "secrets", rules: [], findings });

test("known findings match on rule, file and secret hash, whatever the line or commit", () => {
  const file = join(dir, "baseline.json");
  writeFileSync(file, JSON.stringify({ gate: "secrets", findings: [finding("github-pat", "a.py", "one", 3)], count: 1 }));
  const known = readBaseline(file);
  const { report: left, suppressed } = applyBaseline(
    report([
      finding("github-pat", "a.py", "one", 40),
      finding("github-pat", "a.py", "two"),
      finding("github-pat", "b.py", "one"),
      finding("npm-access-token", "a.py", "one"),
    ]),
    known,
  );
  assert.equal(suppressed, 1);
  assert.deepEqual(
    left.findings.map((f) => `${f.ruleId} ${f.file}`),
    ["github-pat a.py", "github-pat b.py", "npm-access-token a.py"],
  );
});

test("a gitleaks JSON report works as a baseline; its secrets are hashed, not kept", () => {
  const file = join(dir, "gitleaks.json");
  writeFileSync(file, JSON.stringify([{ RuleID: "github-pat", File: "a.py", Secret: "one", StartLine: 1 }]));
  const known = readBaseline(file);
  assert.ok(![...known].some((k) => k.includes("one")));
  assert.equal(applyBaseline(report([finding("github-pat", "a.py", "one")]), known).suppressed, 1);
});

test("a file that is not a baseline is a clear error", () => {
  for (const [name, text] of [
    ["bad.json", "{"],
    ["obj.json", '{"x": 1}'],
    ["entry.json", '{"findings": [{"id": 1}]}'],
  ] as const) {
    const file = join(dir, name);
    writeFileSync(file, text);
    assert.throws(() => readBaseline(file), BaselineError);
  }
  assert.throws(() => readBaseline(join(dir, "missing.json")), /cannot read the baseline/);
});
