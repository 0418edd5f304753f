import assert from "node:assert/strict";
import { after, test } from "node:test";
import { makeRepo, type TestRepo } from "../../../test/support/git-repo.js";
import { parseSize, runAudit } from "./index.js";

const repos: TestRepo[] = [];
after(() => repos.forEach((r) => r.remove()));

function repo(): TestRepo {
  const r = makeRepo();
  repos.push(r);
  return r;
}

test("sizes", () => {
  assert.equal(parseSize("5MB"), 5 * 1024 * 1024);
  assert.equal(parseSize("1.5k"), 1536);
  assert.equal(parseSize("2048"), 2048);
  assert.throws(() => parseSize("5 parsecs"), /not a size/);
  assert.throws(() => parseSize("0"), /not a size/);
});

test("one audit: hidden characters, ignored files that are tracked, large files, reports", () => {
  const r = repo();
  r.write("src/auth.py", 'if role != "user\u202E \u2066# admin\u2069 \u2066":\n    allow()\n');
  r.write("src/names.py", "valid\u200Bname = 1\n");
  r.write("data/big.csv", "x".repeat(3000));
  r.write("image.bin", `\u0000${"\u202E".repeat(3)}`);
  r.write("build/out.log", "log\n");
  r.commit("initial");
  r.write(".gitignore", "build/\nreports/\n");
  r.write("notes.md", "new and untracked \u2067\n");
  r.write("reports/summary.md", "# Report\n## Summary\n\n## Results\n1\n");
  r.commit("ignore build");
  r.write("reports/summary.md", "# Report\n## Summary\n\n## Results\n1\n");

  const report = runAudit({
    repo: r.dir,
    maxSize: 2048,
    reports: [{ paths: ["reports/*.md"], requiredHeadings: ["## Summary", "## Risks"], requiredSectionsNonempty: true }],
  });
  assert.deepEqual(
    report.findings.map((f) => `${f.ruleId} ${f.file}${f.line ? `:${f.line}:${f.col}` : ""}`),
    [
      "file-too-large data/big.csv",
      "bidi-control notes.md:1:19",
      "bidi-control src/auth.py:1:17",
      "zero-width-char src/names.py:1:6",
      "ignored-tracked build/out.log",
      "report-empty-section reports/summary.md:2:1",
      "report-missing-heading reports/summary.md",
    ],
  );
  assert.equal(report.gate, "audit");
});

test("a clean repository has no findings", () => {
  const r = repo();
  r.write("README.md", "# Project\n\nCafé, naïve, 日本語, emoji \u{1F468}\u200D\u{1F469}\u200D\u{1F467}.\n");
  r.write(".gitignore", "*.log\n");
  r.commit("initial");
  assert.deepEqual(runAudit({ repo: r.dir, maxSize: 1024 * 1024 }).findings, []);
});
