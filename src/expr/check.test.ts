import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { checkExpression } from "./check.js";

const available = ["github", "env", "matrix", "steps"];

describe("checkExpression", () => {
  test("a valid expression has no problems", () => {
    assert.deepEqual(checkExpression("github.event_name == 'push' && contains(matrix.os, 'ubuntu')", available), []);
    assert.deepEqual(checkExpression("hashFiles('**/requirements*.txt') != '' && success()", available), []);
    assert.deepEqual(checkExpression("", available), []);
  });

  test("reports unknown contexts and functions, each at its offset", () => {
    const problems = checkExpression("foo.bar || GitHub.ref == bar(1) || foo", available);
    assert.deepEqual(
      problems.map((p) => [p.offset, p.message.split(".")[0]]),
      [
        [0, "Unrecognized named-value: 'foo'"],
        [25, "Unrecognized function: 'bar'"],
        [35, "Unrecognized named-value: 'foo'"],
      ],
    );
  });

  test("reports syntax errors and argument counts", () => {
    assert.deepEqual(
      checkExpression("github.ref ==", available).map((p) => p.offset),
      [11],
    );
    assert.match(checkExpression("contains(github.ref)", available)[0]?.message ?? "", /^Too few parameters supplied: 'contains'/);
    assert.match(checkExpression("success(1)", available)[0]?.message ?? "", /^Too many parameters supplied: 'success'/);
    assert.deepEqual(
      checkExpression("github.ref = 'x'", available).map((p) => p.offset),
      [11],
    );
  });

  test("offsets count from the start of the expression across lines", () => {
    const [problem] = checkExpression("github.ref == 'a'\n && env.X\n && nope.Y", available);
    assert.equal(problem?.offset, 32);
  });

  test("function entries restrict the extension functions", () => {
    assert.deepEqual(checkExpression("hashFiles('x')", [...available, "hashFiles(1,255)"]), []);
    assert.match(checkExpression("success()", [...available, "hashFiles(1,255)"])[0]?.message ?? "", /Unrecognized function: 'success'/);
  });
});
