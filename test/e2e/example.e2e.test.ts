// The example project is the product's acceptance test: init reproduces its pipeline, a broken
// lint stops the pipeline at tier 1, and its whole pipeline passes as the README runs it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { gitOutput } from "../../src/git/git.js";
import { repoFactory } from "./harness.js";

const makeRepo = repoFactory();
const EXAMPLE = "examples/trading-bot";

/** The example's committed files, relative to the example. */
function exampleFiles(filter: (path: string) => boolean = () => true): Record<string, string> {
  const listed = gitOutput(resolve("."), ["ls-files", "-z", "--", EXAMPLE]).split("\0").filter(Boolean);
  const files: Record<string, string> = {};
  for (const path of listed) {
    const rel = path.slice(EXAMPLE.length + 1);
    if (filter(rel)) files[rel] = readFileSync(path, "utf8");
  }
  return files;
}

const generated = (rel: string): boolean => rel.startsWith(".github/") || rel === "docs/CI.md";

interface Summary {
  status: string;
  tiers: { name: string; status: string }[];
  jobs: { tier: string; workflow: string; name: string; status: string; conclusion: string | null; steps: { name: string; conclusion: string | null }[] }[];
}

test("init on the example without its .github writes exactly the example's pipeline", () => {
  const expected = exampleFiles(generated);
  assert.ok(Object.keys(expected).length >= 11, Object.keys(expected).join(", "));
  const repo = makeRepo(exampleFiles((rel) => !generated(rel)));
  const init = repo.cli("init", "--template", "python");
  assert.equal(init.code, 0, init.stderr);
  for (const [rel, text] of Object.entries(expected)) {
    assert.equal(readFileSync(join(repo.dir, rel), "utf8"), text, `${rel} differs from what init writes; regenerate the example with tierci init --force`);
  }
  const again = repo.cli("init");
  assert.doesNotMatch(again.stdout, /^(create|skip|overwrite) /m, again.stdout);
});

test("a broken lint in the example stops the pipeline: tier 2 never starts", () => {
  const repo = makeRepo(exampleFiles());
  const cli = join(repo.dir, "src/tradingbot/cli.py");
  repo.write({ "src/tradingbot/cli.py": `import os\n${readFileSync(cli, "utf8")}` });
  const res = repo.cli("run", "--event", "push", "--env", "PIP_RETRIES=0", "--json", "-");
  assert.equal(res.code, 1, res.stderr);
  const summary = JSON.parse(res.stdout) as Summary;
  assert.deepEqual(
    summary.tiers.map((t) => [t.name, t.status]),
    [
      ["fast-gates", "failure"],
      ["core-ci", "skipped"],
      ["deep-validation", "skipped"],
    ],
  );
  const lint = summary.jobs.find((j) => j.workflow.endsWith("lint.yml"));
  assert.equal(lint?.conclusion, "failure");
  assert.equal(lint.steps.find((s) => s.conclusion === "failure")?.name, "ruff");
  const later = summary.jobs.filter((j) => j.tier !== "fast-gates");
  assert.ok(later.length >= 5, "the later tiers' jobs are listed");
  for (const job of later) assert.deepEqual([job.name, job.conclusion, job.steps.length], [job.name, "skipped", 0]);
  assert.match(repo.cli("logs", "1").stdout, /F401 .*`os` imported but unused/);
});

test("the README's main command runs the example's whole pipeline green", () => {
  const repo = makeRepo(exampleFiles());
  const res = spawnSync(process.execPath, ["scripts/run-example.js", repo.dir], { encoding: "utf8", env: { ...process.env, PIP_RETRIES: "0" } });
  assert.equal(res.status, 0, `${res.stdout.slice(-4000)}\n${res.stderr}`);
  assert.match(res.stdout, /pull_request +run \S+: success/);
  assert.match(res.stdout, /schedule +run \S+: success/);
  const pr = JSON.parse(readFileSync(join(repo.dir, ".tierci/example-pull_request.json"), "utf8")) as Summary & {
    tests: { passed: number; failed: number };
    coverage: { line_rate: number } | null;
  };
  const workflows = new Set(pr.jobs.map((j) => j.workflow.replace(/^.*\//, "")));
  for (const w of ["lint.yml", "security.yml", "unit-tests.yml", "integration.yml", "smoke.yml", "audit.yml", "policy.yml"]) assert.ok(workflows.has(w), w);
  assert.deepEqual(pr.jobs.filter((j) => j.workflow.endsWith("unit-tests.yml")).length, 3);
  assert.ok(pr.tests.passed > 20 && pr.tests.failed === 0, JSON.stringify(pr.tests));
  assert.ok((pr.coverage?.line_rate ?? 0) > 0.5, JSON.stringify(pr.coverage));
  const schedule = JSON.parse(readFileSync(join(repo.dir, ".tierci/example-schedule.json"), "utf8")) as Summary;
  assert.deepEqual(new Set(schedule.jobs.map((j) => j.workflow.replace(/^.*\//, ""))), new Set(["test-health.yml", "nightly.yml"]));
  assert.match(readFileSync(join(repo.dir, ".tierci/report.html"), "utf8"), /<html/i);
});
