import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ExpressionEvalError, evaluateCondition, evaluateExpression, evaluateValue, interpolate, type ExprContexts, type JobStatusView } from "./evaluate.js";

const contexts: ExprContexts = {
  github: { event_name: "push", ref: "refs/heads/main", event: { commits: [{ id: "a1" }, { id: "b2" }] } },
  env: { Greeting: "hello" },
  matrix: { python: "3.11", os: ["ubuntu", "macos"] },
  steps: {},
};

const failed: JobStatusView = { success: false, failure: true, cancelled: false };
const cancelled: JobStatusView = { success: false, failure: false, cancelled: true };

function evalError(kind: string) {
  return (e: unknown) => e instanceof ExpressionEvalError && e.kind === kind;
}

describe("evaluateExpression", () => {
  test("returns plain values, with contexts case-insensitive", () => {
    assert.equal(evaluateExpression("GITHUB.Event_Name", contexts), "push");
    assert.equal(evaluateExpression("env.greeting", contexts), "hello");
    assert.deepEqual(evaluateExpression("github.event.commits.*.id", contexts), ["a1", "b2"]);
    assert.deepEqual(evaluateExpression("fromJSON('{\"a\":[1,null,true]}')", contexts), { a: [1, null, true] });
    assert.equal(evaluateExpression("steps.missing.outputs.x", contexts), null);
    assert.equal(evaluateExpression("", contexts), null);
  });

  test("a context not given is an unknown named-value", () => {
    assert.throws(
      () => evaluateExpression("secrets.TOKEN", contexts),
      (e: unknown) => {
        assert.ok(e instanceof ExpressionEvalError);
        assert.equal(e.kind, "parsing");
        assert.equal(e.expression, "secrets.TOKEN");
        assert.equal(e.message, "Unrecognized named-value: 'secrets'. Located at position 1 within expression: secrets.TOKEN");
        return true;
      },
    );
  });

  test("errors name their stage", () => {
    assert.throws(() => evaluateExpression("1 = 2", contexts), evalError("lexing"));
    assert.throws(() => evaluateExpression("nosuch(1)", contexts), evalError("parsing"));
    assert.throws(() => evaluateExpression("constructor()", contexts), evalError("parsing"));
    assert.throws(() => evaluateExpression("fromJSON('{')", contexts), evalError("evaluation"));
  });

  test("status functions answer from the options", () => {
    assert.equal(evaluateExpression("success()", contexts), true);
    assert.equal(evaluateExpression("failure()", contexts), false);
    assert.equal(evaluateExpression("failure() && !cancelled()", contexts, { status: failed }), true);
    assert.equal(evaluateExpression("always()", contexts, { status: cancelled }), true);
  });
});

describe("interpolate", () => {
  test("replaces every expression in the text", () => {
    assert.equal(interpolate("${{ github.event_name }} on ${{ github.ref }}", contexts), "push on refs/heads/main");
    assert.equal(interpolate("no expressions", contexts), "no expressions");
  });

  test("converts results to text as GitHub does", () => {
    assert.equal(interpolate("[${{ null }}][${{ true }}][${{ 1 == 2 }}]", contexts), "[][true][false]");
    assert.equal(interpolate("${{ 3 }} ${{ 1.5 }} ${{ 0.1 }} ${{ -0 }} ${{ 0xff }}", contexts), "3 1.5 0.1 0 255");
    assert.equal(interpolate("${{ matrix.os }}", contexts), '[\n  "ubuntu",\n  "macos"\n]');
    assert.equal(interpolate("x=${{ fromJSON('{\"a\":1}') }}", contexts), 'x={\n  "a": 1\n}');
  });

  test("a }} inside a string literal does not end the expression", () => {
    assert.equal(interpolate("${{ format('{0}}}', 'a') }}!", contexts), "a}!");
  });

  test("an unclosed or empty expression is an error", () => {
    assert.throws(() => interpolate("echo ${{ github.ref", contexts), evalError("parsing"));
    assert.throws(() => interpolate("echo ${{ }}", contexts), evalError("parsing"));
  });
});

describe("evaluateValue", () => {
  test("one whole expression keeps its type", () => {
    assert.deepEqual(evaluateValue("${{ fromJSON('[1, 2]') }}", contexts), [1, 2]);
    assert.equal(evaluateValue("  ${{ 30 }}\n", contexts), 30);
    assert.equal(evaluateValue("${{ github.event_name == 'push' }}", contexts), true);
    assert.deepEqual(evaluateValue("${{ matrix }}", contexts), { python: "3.11", os: ["ubuntu", "macos"] });
  });

  test("anything else is text", () => {
    assert.equal(evaluateValue("py${{ matrix.python }}", contexts), "py3.11");
    assert.equal(evaluateValue("${{ 1 }}${{ 2 }}", contexts), "12");
    assert.equal(evaluateValue("plain", contexts), "plain");
  });
});

describe("evaluateCondition", () => {
  test("empty means success()", () => {
    assert.equal(evaluateCondition(undefined, contexts), true);
    assert.equal(evaluateCondition("  ", contexts), true);
    assert.equal(evaluateCondition(undefined, contexts, { status: failed }), false);
  });

  test("with or without ${{ }}", () => {
    assert.equal(evaluateCondition("${{ github.event_name == 'push' }}", contexts), true);
    assert.equal(evaluateCondition("github.event_name == 'push'", contexts), true);
    assert.equal(evaluateCondition("github.event_name == 'pull_request'", contexts), false);
    assert.equal(evaluateCondition("${{ github.event_name != 'push' }}", contexts), false);
  });

  test("without a status function the condition needs success()", () => {
    assert.equal(evaluateCondition("github.event_name == 'push'", contexts, { status: failed }), false);
    assert.equal(evaluateCondition("true", contexts, { status: cancelled }), false);
    // success() && (...) short-circuits: the rest is not evaluated.
    assert.equal(evaluateCondition("fromJSON('{')", contexts, { status: failed }), false);
  });

  test("status functions decide for themselves", () => {
    assert.equal(evaluateCondition("failure()", contexts), false);
    assert.equal(evaluateCondition("failure()", contexts, { status: failed }), true);
    assert.equal(evaluateCondition("${{ failure() }}", contexts, { status: failed }), true);
    assert.equal(evaluateCondition("always()", contexts, { status: cancelled }), true);
    assert.equal(evaluateCondition("${{ always() && github.event_name == 'push' }}", contexts, { status: failed }), true);
    assert.equal(evaluateCondition("cancelled()", contexts, { status: cancelled }), true);
    assert.equal(evaluateCondition("!cancelled()", contexts, { status: failed }), true);
    assert.equal(evaluateCondition("SUCCESS()", contexts, { status: failed }), false);
  });

  test("a status function named only in a string does not count", () => {
    assert.equal(evaluateCondition("contains('always()', 'always')", contexts, { status: failed }), false);
  });

  test("text mixing literals and ${{ }} is a non-empty string, so true, as on GitHub", () => {
    assert.equal(evaluateCondition("${{ github.event_name }} == 'pull_request'", contexts), true);
    assert.equal(evaluateCondition("${{ github.event_name }} == 'pull_request'", contexts, { status: failed }), false);
  });

  test("invalid conditions throw", () => {
    assert.throws(() => evaluateCondition("foo.bar", contexts), evalError("parsing"));
    assert.throws(() => evaluateCondition("${{ github.ref", contexts), evalError("parsing"));
  });
});
