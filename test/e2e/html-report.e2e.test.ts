// The HTML report of a real run, opened in headless Chromium: the DOM is checked and a
// screenshot is kept in test-artifacts/ for people to look at.
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { chromium } from "playwright-core";
import { repoFactory, runCli } from "./harness.js";

const CHROMIUM = process.env["TIERCI_CHROMIUM"] ?? "/usr/bin/chromium";
const repo = repoFactory();

const junit = `<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" tests="3" failures="1" skipped="1">
<testcase classname="tests.test_orders" name="test_limit_order" time="0.01"/>
<testcase classname="tests.test_orders" name="test_market_order" time="0.02"><failure message="assert 101 == 100">tests/test_orders.py:14: AssertionError</failure></testcase>
<testcase classname="tests.test_orders" name="test_slow" time="0"><skipped message="slow"/></testcase>
</testsuite></testsuites>`;

const coverage = `<?xml version="1.0" ?>
<coverage line-rate="0.75" version="7.4"><sources><source>.</source></sources><packages><package name="app"><classes>
<class name="orders.py" filename="app/orders.py" line-rate="0.75"><lines><line number="1" hits="1"/><line number="2" hits="1"/><line number="3" hits="0"/><line number="4" hits="1"/></lines></class>
</classes></package></packages></coverage>`;

test(
  "the HTML report of a run shows its tiers, jobs, annotations, failing tests and coverage",
  { skip: !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}` },
  async () => {
    const r = repo({
      ".github/tiers.yml":
        "tiers:\n  - name: fast-gates\n    budget: 5m\n    workflows: [lint.yml]\n  - name: core-ci\n    budget: 15m\n    workflows: [tests.yml]\n",
      ".github/workflows/lint.yml":
        "name: Lint\non: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo '::warning file=app/orders.py,line=3::unused import'\n",
      "fixtures/junit.xml": junit,
      "fixtures/coverage.xml": coverage,
      "app/orders.py": "import os\n\ndef limit():\n    return 1\n",
      ".github/workflows/tests.yml": `name: Tests
on: push
jobs:
  unit:
    runs-on: ubuntu-latest
    steps:
      - run: |
          mkdir -p reports
          cp fixtures/junit.xml reports/junit.xml
          cp fixtures/coverage.xml coverage.xml
          echo "::error file=tests/test_orders.py,line=14::assert 101 == 100"
          exit 1
`,
    });
    const run = r.cli("run", "--offline");
    assert.equal(run.code, 1, run.stderr);
    const out = join(r.dir, "report.html");
    const made = runCli(["report", "1", "--repo", r.dir, "--html", out]);
    assert.equal(made.code, 0, made.stderr);

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const requests: string[] = [];
      page.on("request", (req) => {
        if (!req.url().startsWith("file:")) requests.push(req.url());
      });
      await page.goto(`file://${out}`);
      assert.equal(await page.textContent("#run-status"), "failure");
      assert.equal(await page.locator("svg.timeline rect.bar.tier").count(), 2, "a bar per tier");
      const budgets = await page.locator("svg.timeline .budget-label").allTextContents();
      assert.deepEqual(
        budgets.map((b) => b.replace(/,.*/, "")),
        ["budget 5 min", "budget 15 min"],
        "each tier's budget is marked",
      );
      assert.deepEqual(await page.locator("#jobs tbody tr").evaluateAll((rows) => rows.map((row) => row.getAttribute("data-conclusion"))), [
        "success",
        "failure",
      ]);
      const files = await page.locator("#annotations h3").allTextContents();
      assert.deepEqual(files, ["app/orders.py", "tests/test_orders.py"]);
      assert.match((await page.textContent("#failing-tests")) ?? "", /test_market_order[\s\S]*assert 101 == 100/);
      assert.match((await page.textContent("#coverage")) ?? "", /75\.0%/);
      assert.match((await page.textContent("#overview")) ?? "", /3\s*1 failed, 1 skipped/);
      assert.deepEqual(requests, [], "the report loads nothing from outside the file");
      const dir = resolve("test-artifacts");
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, "html-report.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  },
);
