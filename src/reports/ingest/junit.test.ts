import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestCaseResult } from "../../formats/report-types.js";
import { IngestError } from "./ingest-error.js";
import { parseJUnit, parseSeconds, readJUnit, readJUnitStream } from "./junit.js";
import { DETAILS_LIMIT } from "./text-limits.js";

async function collect(gen: AsyncIterable<TestCaseResult>): Promise<TestCaseResult[]> {
  const out: TestCaseResult[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

function byName(results: TestCaseResult[], name: string): TestCaseResult {
  const r = results.find((x) => x.name === name);
  assert.ok(r, `no result named ${name}`);
  return r;
}

// pytest --junitxml with junit_family=xunit1, the family that writes file and line.
const PYTEST = `<?xml version="1.0" encoding="utf-8"?>
<testsuites>
  <testsuite name="pytest" errors="1" failures="3" skipped="2" tests="8" time="1.284" timestamp="2024-05-02T10:11:12.345678" hostname="runner-7">
    <testcase classname="tests.unit.test_orders.TestOrderBook" name="test_add_order" file="tests/unit/test_orders.py" line="14" time="0.003">
      <properties>
        <property name="ticket" value="TRD-101" />
      </properties>
    </testcase>
    <testcase classname="tests.unit.test_orders.TestOrderBook" name="test_cancel_missing[id-&lt;none&gt;]" file="tests/unit/test_orders.py" line="27" time="0.012">
      <failure message="KeyError: 'ord-9'">self = &lt;tests.unit.test_orders.TestOrderBook object at 0x7f3a2c&gt;

    def test_cancel_missing(self):
&gt;       self.book.cancel("ord-9")
E       KeyError: 'ord-9'

tests/unit/test_orders.py:31: KeyError</failure>
    </testcase>
    <testcase classname="tests.unit.test_orders.TestOrderBook" name="test_totals" file="tests/unit/test_orders.py" line="40" time="0.002">
      <failure message="AssertionError: totals differ&#10;assert 10 == 11">def test_totals():
&gt;       assert total([4, 6]) == 11
E       AssertionError: totals differ</failure>
    </testcase>
    <testcase classname="tests.unit.test_pricing" name="test_spread" file="tests/unit/test_pricing.py" line="8" time="0.001">
      <error message="failed on setup with &quot;ConnectionError: no quote feed&quot;">@pytest.fixture
    def feed():
&gt;       raise ConnectionError("no quote feed")
E       ConnectionError: no quote feed</error>
    </testcase>
    <testcase classname="tests.unit.test_pricing" name="test_live_feed" file="tests/unit/test_pricing.py" line="19" time="0.000">
      <skipped type="pytest.skip" message="needs network">tests/unit/test_pricing.py:20: needs network</skipped>
    </testcase>
    <testcase classname="tests.unit.test_pricing" name="test_rounding" file="tests/unit/test_pricing.py" line="25" time="0.004">
      <skipped type="pytest.xfail" message="known rounding issue" />
    </testcase>
    <testcase classname="tests.unit.test_pricing" name="test_fast_path" file="tests/unit/test_pricing.py" line="33" time="0.001">
      <failure message="[XPASS(strict)] fast path not done" />
    </testcase>
    <testcase classname="tests.unit.test_logging" name="test_emits" file="tests/unit/test_logging.py" line="3" time="0.020">
      <system-out>--------------------------------- Captured Out ---------------------------------
emitted 3 records
</system-out>
    </testcase>
  </testsuite>
</testsuites>
`;

test("pytest: classname, 1-based file line, failure/error/skip/xfail messages, properties ignored", () => {
  const r = parseJUnit(PYTEST, "pytest.xml");
  assert.equal(r.length, 8);
  assert.deepEqual(r[0], {
    suite: "pytest",
    classname: "tests.unit.test_orders.TestOrderBook",
    name: "test_add_order",
    file: "tests/unit/test_orders.py",
    line: 15,
    status: "passed",
    durationMs: 3,
  });
  const cancel = byName(r, "test_cancel_missing[id-<none>]");
  assert.equal(cancel.status, "failed");
  assert.equal(cancel.message, "KeyError: 'ord-9'");
  assert.equal(cancel.line, 28);
  assert.match(cancel.details ?? "", /^self = <tests\.unit[\s\S]*tests\/unit\/test_orders\.py:31: KeyError$/);
  assert.equal(byName(r, "test_totals").message, "AssertionError: totals differ");
  const spread = byName(r, "test_spread");
  assert.equal(spread.status, "error");
  assert.equal(spread.message, 'failed on setup with "ConnectionError: no quote feed"');
  assert.deepEqual(
    [byName(r, "test_live_feed"), byName(r, "test_rounding")].map((x) => [x.status, x.message]),
    [
      ["skipped", "needs network"],
      ["skipped", "known rounding issue"],
    ],
  );
  const xpass = byName(r, "test_fast_path");
  assert.equal(xpass.status, "failed");
  assert.equal(xpass.message, "[XPASS(strict)] fast path not done");
  assert.equal(xpass.details, undefined);
  assert.equal(byName(r, "test_emits").status, "passed");
});

// Maven Surefire 3 with -Dsurefire.rerunFailingTestsCount=2.
const SUREFIRE = `<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report-3.0.xsd" version="3.0" name="com.acme.ledger.LedgerTest" time="4.731" tests="6" errors="1" skipped="1" failures="1">
  <properties>
    <property name="java.version" value="21.0.2"/>
    <property name="surefire.rerunFailingTestsCount" value="2"/>
  </properties>
  <testcase name="balancesAfterTransfer" classname="com.acme.ledger.LedgerTest" time="0.014"/>
  <testcase name="concurrentPosting" classname="com.acme.ledger.LedgerTest" time="0.502">
    <flakyFailure message="expected: &lt;100&gt; but was: &lt;99&gt;" type="org.opentest4j.AssertionFailedError">
      <stackTrace><![CDATA[org.opentest4j.AssertionFailedError: expected: <100> but was: <99>
	at com.acme.ledger.LedgerTest.concurrentPosting(LedgerTest.java:88)
]]></stackTrace>
      <system-out><![CDATA[posted 99 of 100 entries
]]></system-out>
    </flakyFailure>
  </testcase>
  <testcase name="reconnectsToBroker" classname="com.acme.ledger.LedgerTest" time="1.250">
    <flakyError type="java.net.ConnectException">
      <stackTrace><![CDATA[java.net.ConnectException: Connection refused
	at java.base/sun.nio.ch.Net.connect0(Native Method)
]]></stackTrace>
    </flakyError>
    <flakyError message="Connection reset" type="java.net.SocketException">
      <stackTrace><![CDATA[java.net.SocketException: Connection reset]]></stackTrace>
    </flakyError>
  </testcase>
  <testcase name="roundsHalfEven" classname="com.acme.ledger.LedgerTest" time="0.021">
    <failure message="expected: &lt;2.5&gt; but was: &lt;2.4&gt;" type="org.opentest4j.AssertionFailedError"><![CDATA[org.opentest4j.AssertionFailedError: expected: <2.5> but was: <2.4>
	at org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:151)
	at com.acme.ledger.LedgerTest.roundsHalfEven(LedgerTest.java:120)
]]></failure>
    <rerunFailure message="expected: &lt;2.5&gt; but was: &lt;2.4&gt;" type="org.opentest4j.AssertionFailedError">
      <stackTrace><![CDATA[org.opentest4j.AssertionFailedError: expected: <2.5> but was: <2.4>]]></stackTrace>
    </rerunFailure>
    <rerunFailure message="expected: &lt;2.5&gt; but was: &lt;2.4&gt;" type="org.opentest4j.AssertionFailedError">
      <stackTrace><![CDATA[org.opentest4j.AssertionFailedError: expected: <2.5> but was: <2.4>]]></stackTrace>
    </rerunFailure>
  </testcase>
  <testcase name="loadsFixtures" classname="com.acme.ledger.LedgerTest" time="0.003">
    <error message="fixtures/ledger.csv (No such file or directory)" type="java.io.FileNotFoundException"><![CDATA[java.io.FileNotFoundException: fixtures/ledger.csv (No such file or directory)
	at java.base/java.io.FileInputStream.open0(Native Method)
]]></error>
    <rerunError message="fixtures/ledger.csv (No such file or directory)" type="java.io.FileNotFoundException">
      <stackTrace><![CDATA[java.io.FileNotFoundException: fixtures/ledger.csv (No such file or directory)]]></stackTrace>
    </rerunError>
  </testcase>
  <testcase name="exportsCsv" classname="com.acme.ledger.LedgerTest" time="0">
    <skipped message="disabled on CI"/>
  </testcase>
  <system-out><![CDATA[suite-level output is not a test's]]></system-out>
</testsuite>
`;

test("Surefire: flakyFailure/flakyError pass with retries; rerunFailure/rerunError fail with the reruns", () => {
  const r = parseJUnit(SUREFIRE, "TEST-com.acme.ledger.LedgerTest.xml");
  assert.equal(r.length, 6);
  assert.deepEqual(byName(r, "balancesAfterTransfer"), {
    suite: "com.acme.ledger.LedgerTest",
    classname: "com.acme.ledger.LedgerTest",
    name: "balancesAfterTransfer",
    status: "passed",
    durationMs: 14,
  });
  const posting = byName(r, "concurrentPosting");
  assert.equal(posting.status, "passed");
  assert.equal(posting.message, undefined);
  assert.deepEqual(posting.retries, [{ status: "failed", message: "expected: <100> but was: <99>" }]);
  assert.deepEqual(byName(r, "reconnectsToBroker").retries, [
    { status: "error", message: "java.net.ConnectException: Connection refused" },
    { status: "error", message: "Connection reset" },
  ]);
  const rounds = byName(r, "roundsHalfEven");
  assert.equal(rounds.status, "failed");
  assert.equal(rounds.message, "expected: <2.5> but was: <2.4>");
  assert.match(rounds.details ?? "", /^org\.opentest4j\.AssertionFailedError[\s\S]*LedgerTest\.java:120\)$/);
  assert.deepEqual(
    rounds.retries?.map((a) => a.status),
    ["failed", "failed"],
  );
  const fixtures = byName(r, "loadsFixtures");
  assert.equal(fixtures.status, "error");
  assert.deepEqual(fixtures.retries, [{ status: "error", message: "fixtures/ledger.csv (No such file or directory)" }]);
  assert.deepEqual([byName(r, "exportsCsv").status, byName(r, "exportsCsv").message], ["skipped", "disabled on CI"]);
});

// jest-junit defaults (suite per file named after its top describe, classname "{classname} {title}"), addFileAttribute on.
const JEST = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests" tests="5" failures="1" errors="0" time="3.118">
  <testsuite name="cart" errors="0" failures="1" skipped="1" timestamp="2024-05-02T10:11:12" time="1.502" tests="3">
    <testcase classname="cart adds items" name="cart adds items" time="0.004" file="src/cart.test.js">
    </testcase>
    <testcase classname="cart totals applies the discount" name="cart totals applies the discount" time="0.011" file="src/cart.test.js">
      <failure>Error: expect(received).toBe(expected) // Object.is equality

Expected: 90
Received: 100
    at Object.toBe (/home/runner/work/shop/shop/src/cart.test.js:14:25)
    at Promise.then.completed (/home/runner/work/shop/shop/node_modules/jest-circus/build/utils.js:298:28)</failure>
    </testcase>
    <testcase classname="cart checkout" name="cart checkout" time="0" file="src/cart.test.js">
      <skipped/>
    </testcase>
  </testsuite>
  <testsuite name="src/utils/format.test.ts" errors="0" failures="0" skipped="0" timestamp="2024-05-02T10:11:14" time="0.31" tests="2">
    <testcase classname=" formats money" name=" formats money" time="0.002">
    </testcase>
    <testcase classname=" formats dates" name=" formats dates" time="0.001">
    </testcase>
  </testsuite>
</testsuites>
`;

test("jest-junit: suite per file, failure text as message and details, empty <skipped/>", () => {
  const r = parseJUnit(JEST, "junit.xml");
  assert.equal(r.length, 5);
  const discount = byName(r, "cart totals applies the discount");
  assert.equal(discount.suite, "cart");
  assert.equal(discount.file, "src/cart.test.js");
  assert.equal(discount.status, "failed");
  assert.equal(discount.message, "Error: expect(received).toBe(expected) // Object.is equality");
  assert.match(discount.details ?? "", /Expected: 90\nReceived: 100\n/);
  assert.equal(discount.durationMs, 11);
  assert.deepEqual([byName(r, "cart checkout").status, byName(r, "cart checkout").message], ["skipped", undefined]);
  const money = byName(r, " formats money");
  assert.equal(money.suite, "src/utils/format.test.ts");
  assert.equal(money.file, "src/utils/format.test.ts", "a suite named after a source file gives the file");
});

// Vitest's junit reporter: suite and classname are the test file, names joined with " > ".
const VITEST = `<?xml version="1.0" encoding="UTF-8" ?>
<testsuites name="vitest tests" tests="3" failures="1" errors="0" time="0.412" timestamp="2024-05-02T10:11:12.000Z">
    <testsuite name="src/math.test.ts" timestamp="2024-05-02T10:11:12.000Z" hostname="runner-7" tests="3" failures="1" errors="0" skipped="1" time="0.0123">
        <testcase classname="src/math.test.ts" name="math &gt; adds" time="0.0011">
        </testcase>
        <testcase classname="src/math.test.ts" name="math &gt; divides by zero" time="0.0042">
            <failure message="expected Infinity to be +0 // Object.is equality" type="AssertionError">
AssertionError: expected Infinity to be +0 // Object.is equality

- Expected
+ Received

- 0
+ Infinity

 ❯ src/math.test.ts:12:22
            </failure>
            <system-err>
divide called with 0
            </system-err>
        </testcase>
        <testcase classname="src/math.test.ts" name="math &gt; rounds (todo)" time="0">
            <skipped/>
        </testcase>
    </testsuite>
</testsuites>
`;

test("Vitest: the classname is the file; message from the attribute, details from the text", () => {
  const r = parseJUnit(VITEST, "vitest.xml");
  assert.deepEqual(
    r.map((x) => [x.name, x.status, x.file, x.durationMs]),
    [
      ["math > adds", "passed", "src/math.test.ts", 1.1],
      ["math > divides by zero", "failed", "src/math.test.ts", 4.2],
      ["math > rounds (todo)", "skipped", "src/math.test.ts", 0],
    ],
  );
  const div = byName(r, "math > divides by zero");
  assert.equal(div.message, "expected Infinity to be +0 // Object.is equality");
  assert.match(div.details ?? "", /^AssertionError: expected Infinity[\s\S]*❯ src\/math\.test\.ts:12:22$/);
});

// cargo-nextest with retries = 2: a suite per test binary, output kept for failed and retried tests.
const NEXTEST = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="nextest-run" tests="4" failures="1" errors="0" uuid="5f0c3b1e-8a54-4a44-9d6c-0b6a3f3d2e11" timestamp="2024-05-02T10:11:12.123+00:00" time="0.824">
    <testsuite name="ledger-core" tests="3" disabled="0" errors="0" failures="1">
        <testcase name="tests::posts_entry" classname="ledger-core" timestamp="2024-05-02T10:11:12.130+00:00" time="0.004">
        </testcase>
        <testcase name="tests::flaky_clock" classname="ledger-core" timestamp="2024-05-02T10:11:12.131+00:00" time="0.006">
            <flakyFailure timestamp="2024-05-02T10:11:12.131+00:00" time="0.005" type="test failure">
                <system-out>
running 1 test
test tests::flaky_clock ... FAILED
</system-out>
                <system-err>thread 'tests::flaky_clock' panicked at src/lib.rs:40:9:
clock went backwards
note: run with \`RUST_BACKTRACE=1\` environment variable to display a backtrace
</system-err>
            </flakyFailure>
        </testcase>
        <testcase name="tests::rejects_overdraft" classname="ledger-core" timestamp="2024-05-02T10:11:12.140+00:00" time="0.003">
            <failure type="test failure with exit code 101">thread &apos;tests::rejects_overdraft&apos; panicked at src/lib.rs:52:5:
assertion \`left == right\` failed
  left: 1
 right: 0</failure>
            <rerunFailure timestamp="2024-05-02T10:11:12.150+00:00" time="0.002" type="test failure with exit code 101">
                <system-err>thread 'tests::rejects_overdraft' panicked at src/lib.rs:52:5:</system-err>
            </rerunFailure>
            <system-out>
running 1 test
test tests::rejects_overdraft ... FAILED
</system-out>
        </testcase>
    </testsuite>
    <testsuite name="ledger-core::bin/ledger" tests="1" disabled="0" errors="0" failures="0">
        <testcase name="cli::parses_args" classname="ledger-core::bin/ledger" timestamp="2024-05-02T10:11:12.200+00:00" time="0.001">
        </testcase>
    </testsuite>
</testsuites>
`;

test("cargo-nextest: suite per binary, flakyFailure with its time, failure text without a message attribute", () => {
  const r = parseJUnit(NEXTEST, "target/nextest/ci/junit.xml");
  assert.deepEqual(
    r.map((x) => [x.suite, x.name, x.status]),
    [
      ["ledger-core", "tests::posts_entry", "passed"],
      ["ledger-core", "tests::flaky_clock", "passed"],
      ["ledger-core", "tests::rejects_overdraft", "failed"],
      ["ledger-core::bin/ledger", "cli::parses_args", "passed"],
    ],
  );
  assert.deepEqual(byName(r, "tests::flaky_clock").retries, [
    { status: "failed", message: "thread 'tests::flaky_clock' panicked at src/lib.rs:40:9:", durationMs: 5 },
  ]);
  const overdraft = byName(r, "tests::rejects_overdraft");
  assert.equal(overdraft.message, "thread 'tests::rejects_overdraft' panicked at src/lib.rs:52:5:");
  assert.match(overdraft.details ?? "", /left: 1\n right: 0$/);
  assert.deepEqual(overdraft.retries, [{ status: "failed", message: "thread 'tests::rejects_overdraft' panicked at src/lib.rs:52:5:", durationMs: 2 }]);
});

// go-junit-report v2 (go test -v 2>&1 | go-junit-report): suite per package, message="Failed".
const GO = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="5" failures="1" errors="1" skipped="1">
	<testsuite name="github.com/acme/ledger/store" tests="4" failures="1" errors="0" id="0" hostname="ci-runner" skipped="1" time="0.412" timestamp="2024-05-02T10:11:12Z">
		<properties>
			<property name="go.version" value="go1.22.3 linux/amd64"></property>
		</properties>
		<testcase name="TestPut" classname="github.com/acme/ledger/store" time="0.010"></testcase>
		<testcase name="TestGet/missing_key" classname="github.com/acme/ledger/store" time="0.000"></testcase>
		<testcase name="TestCompaction" classname="github.com/acme/ledger/store" time="0.300">
			<failure message="Failed"><![CDATA[    store_test.go:88: compaction left 3 segments, want 1
    store_test.go:89: segment sizes: [10 12 9]]]></failure>
		</testcase>
		<testcase name="TestS3Backend" classname="github.com/acme/ledger/store" time="0.000">
			<skipped message="store_test.go:120: no credentials"><![CDATA[    store_test.go:120: no credentials]]></skipped>
		</testcase>
		<system-out><![CDATA[goos: linux
goarch: amd64]]></system-out>
	</testsuite>
	<testsuite name="github.com/acme/ledger/cmd" tests="1" failures="0" errors="1" id="1" hostname="ci-runner" time="0.000" timestamp="2024-05-02T10:11:12Z">
		<testcase name="[build failed]" classname="github.com/acme/ledger/cmd" time="0.000">
			<error message="Build error"><![CDATA[cmd/main.go:14:2: undefined: ledger.Open]]></error>
		</testcase>
	</testsuite>
</testsuites>
`;

test('go-junit-report: suite per package, the text\'s first line instead of message="Failed", build errors', () => {
  const r = parseJUnit(GO, "report.xml");
  assert.equal(r.length, 5);
  const compaction = byName(r, "TestCompaction");
  assert.deepEqual([compaction.suite, compaction.status, compaction.durationMs], ["github.com/acme/ledger/store", "failed", 300]);
  assert.equal(compaction.message, "store_test.go:88: compaction left 3 segments, want 1");
  assert.equal(compaction.details, "store_test.go:88: compaction left 3 segments, want 1\n    store_test.go:89: segment sizes: [10 12 9]");
  assert.equal(byName(r, "TestS3Backend").message, "store_test.go:120: no credentials");
  const build = byName(r, "[build failed]");
  assert.deepEqual([build.status, build.message, build.details], ["error", "Build error", "cmd/main.go:14:2: undefined: ledger.Open"]);
});

test("nested testsuites take the innermost name; a testcase straight under <testsuites> gets its file or classname", () => {
  const xml = `<testsuites>
  <testsuite name="all"><testsuite name="inner" file="spec/a_spec.rb"><testcase name="works" classname="A"/></testsuite>
  <testcase name="direct" classname="All"/></testsuite>
  <testcase name="loose" classname="Loose" time="1.5"/>
</testsuites>`;
  assert.deepEqual(
    parseJUnit(xml).map((x) => [x.suite, x.name, x.file]),
    [
      ["inner", "works", "spec/a_spec.rb"],
      ["all", "direct", undefined],
      ["Loose", "loose", undefined],
    ],
  );
});

test("concatenated reports: several roots, each with its XML declaration", () => {
  const r = parseJUnit(`${GO}\n${NEXTEST}`);
  assert.equal(r.length, 9);
  assert.deepEqual([r[0]?.suite, r[8]?.suite], ["github.com/acme/ledger/store", "ledger-core::bin/ledger"]);
});

test("time attributes: seconds with a dot, thousands commas, a decimal comma, missing or junk", () => {
  assert.equal(parseSeconds("0.25"), 250);
  assert.equal(parseSeconds("1,234.5"), 1_234_500);
  assert.equal(parseSeconds("0,025"), 25);
  assert.equal(parseSeconds("1,234,567"), 1_234_567_000);
  assert.equal(parseSeconds(" 2 "), 2000);
  assert.equal(parseSeconds(undefined), undefined);
  assert.equal(parseSeconds(""), undefined);
  assert.equal(parseSeconds("fast"), undefined);
  assert.equal(parseSeconds("-1"), undefined);
  assert.equal(parseJUnit('<testsuite name="s"><testcase name="t" time="n/a"/></testsuite>')[0]?.durationMs, 0);
});

test("details are cut to a few KB and messages to their first line", () => {
  const trace = `Error: boom\n${"    at frame (file.js:1:1)\n".repeat(1000)}`;
  const [r] = parseJUnit(
    `<testsuite name="s"><testcase name="t"><failure><![CDATA[${trace}]]></failure><system-out><![CDATA[${"y".repeat(100_000)}]]></system-out></testcase></testsuite>`,
  );
  assert.equal(r?.message, "Error: boom");
  assert.ok((r?.details?.length ?? 0) <= DETAILS_LIMIT + 1 && (r?.details?.length ?? 0) > DETAILS_LIMIT - 10);
  assert.ok(r?.details?.endsWith("…"));
});

test("a failure with neither text nor message falls back to the test's captured stderr, then stdout", () => {
  const [a, b] = parseJUnit(`<testsuites><testsuite name="s">
    <testcase name="a"><failure type="x"/><system-out>out line</system-out><system-err>
err line
</system-err></testcase>
    <testcase name="b"><error/><system-out>only out</system-out></testcase>
  </testsuite></testsuites>`);
  assert.deepEqual([a?.message, a?.details], ["err line", "err line"]);
  assert.deepEqual([b?.status, b?.message, b?.details], ["error", "only out", "only out"]);
});

const ALL_DIALECTS: [string, string][] = [
  ["pytest", PYTEST],
  ["surefire", SUREFIRE],
  ["jest", JEST],
  ["vitest", VITEST],
  ["nextest", NEXTEST],
  ["go", GO],
];

test("streaming: every dialect split at every position (tags, entities, CDATA, multi-byte UTF-8) gives the whole-document result", async () => {
  for (const [dialect, xml] of ALL_DIALECTS) {
    const whole = parseJUnit(xml);
    const step = Math.max(1, Math.floor(xml.length / 150));
    for (let i = 1; i < xml.length; i += step) {
      assert.deepEqual(await collect(readJUnitStream([xml.slice(0, i), xml.slice(i)], "x.xml")), whole, `${dialect} split at ${i}`);
    }
  }
  // Every split of the fixture with CDATA, entities and "❯" (3 bytes in UTF-8), as bytes.
  const bytes = new TextEncoder().encode(VITEST);
  const whole = parseJUnit(VITEST);
  for (let i = 1; i < bytes.length; i++) {
    assert.deepEqual(await collect(readJUnitStream([bytes.subarray(0, i), bytes.subarray(i)], "x.xml")), whole, `bytes split at ${i}`);
  }
  const oneByOne = Array.from(bytes, (b) => Uint8Array.of(b));
  assert.deepEqual(await collect(readJUnitStream(oneByOne, "x.xml")), whole, "one byte at a time");
});

test("streaming: results come out while the document is still arriving", async () => {
  async function* chunks(): AsyncGenerator<string> {
    yield '<testsuite name="s"><testcase name="first"/>';
    yield '<testcase name="second"/>';
    throw new Error("the rest never arrives");
  }
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const r of readJUnitStream(chunks(), "live.xml")) seen.push(r.name);
  }, /the rest never arrives/);
  assert.deepEqual(seen, ["first", "second"]);
});

test("readJUnit reads a file (UTF-16 with BOM, or ISO-8859-1 as declared) and reports a missing file as an IngestError", async () => {
  const dir = await mkdtemp(join(tmpdir(), "tierci-junit-"));
  try {
    const utf8 = join(dir, "a.xml");
    await writeFile(utf8, GO);
    assert.deepEqual(await collect(readJUnit(utf8)), parseJUnit(GO));
    const utf16 = join(dir, "b.xml");
    await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VITEST.replace('encoding="UTF-8"', 'encoding="UTF-16"'), "utf16le")]));
    assert.deepEqual(await collect(readJUnit(utf16)), parseJUnit(VITEST));
    const latin1 = join(dir, "c.xml");
    await writeFile(
      latin1,
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?>\n<testsuite name="Café"><testcase name="año" classname="Ünïcode"/></testsuite>', "latin1"),
    );
    assert.deepEqual(
      (await collect(readJUnit(latin1))).map((x) => [x.suite, x.classname, x.name]),
      [["Café", "Ünïcode", "año"]],
    );
    const missing = join(dir, "nope.xml");
    await assert.rejects(collect(readJUnit(missing)), (err: unknown) => err instanceof IngestError && err.message === `${missing}: no such file`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("malformed reports: a clear IngestError with file:line:column, after the results before the fault", async () => {
  const truncated = `<testsuite name="s">\n  <testcase name="ok"/>\n  <testcase name="cut"><failure><![CDATA[Traceback (most rec`;
  const seen: string[] = [];
  await assert.rejects(
    async () => {
      for await (const r of readJUnitStream([truncated], "reports/junit.xml")) seen.push(r.name);
    },
    (err: unknown) => err instanceof IngestError && err.message === "reports/junit.xml:3:33: CDATA section is not closed",
  );
  assert.deepEqual(seen, ["ok"]);
  const cases: [string, string][] = [
    [
      '<testsuite name="s">\n<testcase name="a & b"/>\n</testsuite>',
      "j.xml:2:19: '&' not followed by an entity reference (a literal '&' must be written &amp;)",
    ],
    ['<testsuite name="s">\n<testcase name="a">\n</testsuite>', "j.xml:3:1: expected </testcase>, found </testsuite>"],
    ['<?xml version="1.0"?>\n<coverage line-rate="1"/>', "j.xml:2:1: not a JUnit report: the root element is <coverage>, not <testsuites> or <testsuite>"],
    ["", "j.xml:1:1: no root element (the file is empty or has no XML element)"],
    ["not xml at all", "j.xml:1:1: text outside the root element"],
    ['<testsuite name="s"><testcase name="a"/>', "j.xml:1:41: unexpected end of input: <testsuite> is not closed"],
  ];
  for (const [xml, message] of cases) {
    assert.throws(
      () => parseJUnit(xml, "j.xml"),
      (err: unknown) => err instanceof IngestError && err.message === message,
      JSON.stringify(xml),
    );
    await assert.rejects(collect(readJUnitStream([xml], "j.xml")), (err: unknown) => err instanceof IngestError && err.message === message);
  }
});

test("damaged reports (characters dropped, inserted or replaced) either parse or throw an IngestError", () => {
  let seed = 20240502;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  const alphabet = "<>&;\"'/![]-?=#x \n";
  for (let round = 0; round < 1500; round++) {
    let xml = ALL_DIALECTS[round % ALL_DIALECTS.length]?.[1] ?? "";
    for (let edits = 1 + random(3); edits > 0; edits--) {
      const at = random(xml.length);
      const ch = alphabet[random(alphabet.length)] ?? "";
      const op = random(3);
      xml = xml.slice(0, at) + (op === 0 ? "" : ch) + xml.slice(op === 1 ? at : at + 1);
    }
    try {
      parseJUnit(xml);
    } catch (err) {
      assert.ok(err instanceof IngestError && err.line !== undefined, `round ${round}: ${String(err)}`);
    }
  }
});
