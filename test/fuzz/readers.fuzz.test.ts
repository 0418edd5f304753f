// Property-based tests of the readers of text from outside: expressions, env files, workflow
// commands and test, coverage and SARIF reports.
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { ExpressionEvalError } from "../../src/expr/errors.js";
import { evaluateExpression, interpolate } from "../../src/expr/evaluate.js";
import { parseCoverage } from "../../src/reports/ingest/coverage.js";
import { IngestError } from "../../src/reports/ingest/ingest-error.js";
import { parseJUnit } from "../../src/reports/ingest/junit.js";
import { parseSarif } from "../../src/reports/ingest/sarif.js";
import { parseEnvFile } from "../../src/runner/env-files.js";
import { parseCommand } from "../../src/runner/workflow-command-parse.js";
import { mutated, RUNS, valueOrKnownError } from "./fuzz-support.js";

const CONTEXTS = {
  github: { event_name: "push", ref: "refs/heads/main", event: { commits: [{ id: "a" }] } },
  env: { A: "1" },
  matrix: { os: "linux", n: 3 },
  steps: {},
  needs: {},
  inputs: {},
  vars: {},
  secrets: {},
  job: { status: "success" },
  runner: { os: "Linux" },
  strategy: {},
};

const EXPRESSIONS = [
  "github.event_name == 'push' && matrix.n > 2",
  "format('{0}-{1}', matrix.os, toJSON(github.event.commits))",
  "fromJSON('{\"a\": [1, 2, {\"b\": null}]}').a[2].b || 'x'",
  "contains(github.ref, 'main') && startsWith(github.ref, 'refs/') || endsWith(env.A, '1')",
  "join(github.event.commits.*.id, ', ')",
  "!(success() && (1 < 2.5e1)) != false",
];

const JUNIT = `<?xml version="1.0"?><testsuites><testsuite name="s" tests="2"><testcase classname="c" name="a" time="0.1"/><testcase classname="c" name="b"><failure message="boom">trace &amp; more</failure></testcase></testsuite></testsuites>`;
const COBERTURA = `<?xml version="1.0"?><coverage line-rate="0.5" branch-rate="0" version="1"><sources><source>/src</source></sources><packages><package name="p"><classes><class name="a" filename="a.py" line-rate="0.5"><lines><line number="1" hits="1"/><line number="2" hits="0"/></lines></class></classes></package></packages></coverage>`;
const LCOV = "TN:\nSF:src/a.ts\nDA:1,1\nDA:2,0\nLF:2\nLH:1\nend_of_record\n";
const SARIF = JSON.stringify({
  version: "2.1.0",
  runs: [
    {
      tool: { driver: { name: "t", rules: [{ id: "r1" }] } },
      results: [
        {
          ruleId: "r1",
          level: "error",
          message: { text: "m" },
          locations: [{ physicalLocation: { artifactLocation: { uri: "a.py" }, region: { startLine: 3 } } }],
        },
      ],
    },
  ],
});

const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: "binary", maxLength: 300 }));

test("expressions: any text evaluates or is refused with an expression error", async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(text, mutated(EXPRESSIONS)), async (expr) => {
      await valueOrKnownError(() => evaluateExpression(expr, CONTEXTS), [ExpressionEvalError]);
      await valueOrKnownError(() => interpolate(`a \${{ ${expr} }} b`, CONTEXTS), [ExpressionEvalError]);
    }),
    { numRuns: RUNS },
  );
});

test("env files and workflow commands: any text is parsed, never thrown on", async () => {
  const env = ["A=1\nB<<EOF\nline\nEOF\n", "PATHLIKE=/a:/b\n\nX=\n"];
  const commands = [
    "::set-output name=a::b",
    "::error file=a.py,line=3,col=1::msg%0Anext",
    "##[add-mask]s3cret",
    "::stop-commands::tok",
    "  ::warning title=t%2C::w",
  ];
  await fc.assert(
    fc.asyncProperty(fc.oneof(text, mutated(env)), fc.oneof(text, mutated(commands)), async (envText, line) => {
      await valueOrKnownError(() => parseEnvFile(envText, "GITHUB_ENV"), []);
      await valueOrKnownError(() => parseCommand(line, () => true), []);
    }),
    { numRuns: RUNS },
  );
});

test("JUnit, coverage and SARIF readers: a value or an IngestError naming the file", async () => {
  const example = readFileSync("examples/trading-bot/.github/workflows/unit-tests.yml", "utf8");
  await fc.assert(
    fc.asyncProperty(fc.oneof(text, mutated([JUNIT]), mutated([COBERTURA, LCOV]), mutated([SARIF]), fc.constant(example)), async (input) => {
      await valueOrKnownError(() => parseJUnit(input, "junit.xml"), [IngestError]);
      await valueOrKnownError(() => parseCoverage(input, "/repo", "coverage.xml"), [IngestError]);
      await valueOrKnownError(() => parseSarif(input, "/repo", "results.sarif"), [IngestError]);
    }),
    { numRuns: RUNS },
  );
});
