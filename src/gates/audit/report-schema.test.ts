import assert from "node:assert/strict";
import { test } from "node:test";
import { checkReport, markdownHeadings, parseReportSchema } from "./report-schema.js";

const spec = { paths: ["reports/*.md"], requiredHeadings: ["## Summary", "## Results", "Risks"], requiredSectionsNonempty: true, maxHeadingDepth: 3 };

test("headings outside fenced code", () => {
  const text = "# Title\n```sh\n# not a heading\n```\n## Summary ##\n~~~\n## no\n~~~\n#hashtag\n";
  assert.deepEqual(markdownHeadings(text), [
    { level: 1, text: "Title", line: 1 },
    { level: 2, text: "Summary", line: 5 },
  ]);
});

test("missing headings, empty sections and headings too deep", () => {
  const text = ["# Backtest", "## Summary", "<!-- fill in -->", "", "## results", "| a | b |", "#### Detail", "### Risks", "none known", ""].join("\n");
  assert.deepEqual(
    checkReport("reports/bt.md", text, spec).map((f) => `${f.ruleId}:${f.line ?? "-"}`),
    ["report-empty-section:2", "report-heading-depth:7"],
  );
  assert.deepEqual(
    checkReport("reports/bt.md", "# Backtest\n## Summary\ntext\n", spec).map((f) => `${f.ruleId}:${f.message}`),
    ["report-missing-heading:the report has no '## Results' heading", "report-missing-heading:the report has no 'Risks' heading"],
  );
});

test("a section's content includes its subsections", () => {
  const text = "## Summary\n### Part\nwords\n## Results\nx\n### Risks\ny\n";
  assert.deepEqual(checkReport("r.md", text, spec), []);
});

test("schema files are validated with the place of each mistake", () => {
  const specs = parseReportSchema(
    "s.yml",
    "reports:\n  - paths: ['reports/**/*.md']\n    required_headings: ['## Summary']\n    required_sections_nonempty: true\n    max_heading_depth: 3\n",
  );
  assert.deepEqual(specs, [{ paths: ["reports/**/*.md"], requiredHeadings: ["## Summary"], requiredSectionsNonempty: true, maxHeadingDepth: 3 }]);
  assert.throws(
    () => parseReportSchema("s.yml", "reports:\n  - paths: []\n    max_heading_depth: 9\n    headings: [x]\n"),
    (err: Error) => {
      assert.match(err.message, /s\.yml:2:\d+: report 1: 'paths' must be a non-empty list/);
      assert.match(err.message, /s\.yml:3:\d+: report 1: 'max_heading_depth' must be a whole number from 1 to 6/);
      assert.match(err.message, /s\.yml:4:5: report 1: unknown key 'headings'/);
      return true;
    },
  );
  assert.throws(() => parseReportSchema("s.yml", "report: []"), /needs a 'reports:' list/);
});
