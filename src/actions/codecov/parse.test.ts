import assert from "node:assert/strict";
import { test } from "node:test";
import { CoverageFormatError, parseCoverage } from "./parse.js";

const COVERAGE_PY_XML = `<?xml version="1.0" ?>
<coverage version="7.4.0" timestamp="1700000000000" lines-valid="120" lines-covered="90" line-rate="0.75" branches-covered="0" branches-valid="0" branch-rate="0" complexity="0">
	<sources><source>/src/app</source></sources>
	<packages>
		<package name="app" line-rate="0.75" branch-rate="0" complexity="0">
			<classes>
				<class name="main.py" filename="app/main.py" complexity="0" line-rate="0.75" branch-rate="0">
					<methods/>
					<lines><line number="1" hits="1"/></lines>
				</class>
			</classes>
		</package>
	</packages>
</coverage>
`;

const OLD_COBERTURA = `<?xml version="1.0"?>
<!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">
<coverage line-rate="0.5" branch-rate="0" version="1.9" timestamp="1">
  <packages>
    <package name="p">
      <classes>
        <class name="A" filename="src/A.java">
          <methods><method name="m" signature="()V"><lines><line number="3" hits="9"/></lines></method></methods>
          <lines><line number="2" hits="0"/><line number="3" hits="9"/><line number="4" hits="0"/></lines>
        </class>
        <class name="A$Inner" filename="src/A.java">
          <lines><line number="4" hits="2"/><line number="5" hits="0"/></lines>
        </class>
      </classes>
    </package>
    <package name="q">
      <classes><class name="B" filename="src/B.java"><lines><line number="1" hits="1"/></lines></class></classes>
    </package>
  </packages>
</coverage>`;

test("coverage.py XML: the root's lines-covered and lines-valid", () => {
  assert.deepEqual(parseCoverage(COVERAGE_PY_XML), { format: "cobertura", linesCovered: 90, linesValid: 120 });
});

test("Cobertura without line totals: class lines counted once per file, method lines not again", () => {
  // src/A.java lines 2,3,4,5 (4 covered by the inner class) and src/B.java line 1.
  assert.deepEqual(parseCoverage(OLD_COBERTURA), { format: "cobertura", linesCovered: 3, linesValid: 5 });
});

test("lcov: DA lines, merged across records of the same file; LF/LH when a record has no DA", () => {
  const lcov = [
    "TN:",
    "SF:src/a.js",
    "FN:1,f",
    "DA:1,1",
    "DA:2,0",
    "DA:3,0",
    "LF:3",
    "LH:1",
    "end_of_record",
    "TN:other",
    "SF:src/a.js",
    "DA:2,4",
    "DA:3,0",
    "end_of_record",
    "SF:src/b.js",
    "LF:10",
    "LH:7",
    "end_of_record",
    "",
  ].join("\n");
  assert.deepEqual(parseCoverage(lcov), { format: "lcov", linesCovered: 9, linesValid: 13 });
  assert.deepEqual(parseCoverage("SF:x.c\r\nLF:4\r\nLH:4\r\nend_of_record\r\n"), { format: "lcov", linesCovered: 4, linesValid: 4 });
});

test("coverage.py JSON: totals.covered_lines of totals.num_statements", () => {
  const json = JSON.stringify({ meta: { version: "7.4.0" }, files: {}, totals: { covered_lines: 42, num_statements: 50, percent_covered: 84 } });
  assert.deepEqual(parseCoverage(json), { format: "coverage-py-json", linesCovered: 42, linesValid: 50 });
});

test("Istanbul JSON: json-summary totals, and coverage-final statements by line", () => {
  const summary = JSON.stringify({ total: { lines: { total: 20, covered: 15, skipped: 0, pct: 75 } } });
  assert.deepEqual(parseCoverage(summary), { format: "istanbul-json", linesCovered: 15, linesValid: 20 });
  const final = JSON.stringify({
    "/p/a.js": {
      path: "/p/a.js",
      statementMap: { "0": { start: { line: 1 } }, "1": { start: { line: 1 } }, "2": { start: { line: 2 } }, "3": { start: { line: 5 } } },
      s: { "0": 0, "1": 3, "2": 0, "3": 1 },
    },
  });
  assert.deepEqual(parseCoverage(final), { format: "istanbul-json", linesCovered: 2, linesValid: 3 });
});

test("what is not a coverage report is refused with why", () => {
  const cases: [string, RegExp][] = [
    ["<coverage><broken", /invalid XML/],
    ['<?xml version="1.0"?><report name="x"><counter type="LINE" missed="1" covered="2"/></report>', /JaCoCo/],
    ['<coverage generated="1" clover="4.4"><project/></coverage>', /not Cobertura/],
    ["{ not json", /invalid JSON/],
    ['{"hello": "world"}', /neither coverage.py/],
    ["SF:a.c\nDA:x,1\nend_of_record", /malformed DA record/],
    ["mode: set\ngithub.com/x/y.go:1.1,2.2 1 1", /not a coverage format/],
    ["", /not a coverage format/],
  ];
  for (const [text, why] of cases)
    assert.throws(
      () => parseCoverage(text),
      (e: Error) => e instanceof CoverageFormatError && why.test(e.message),
      text,
    );
});
