// The README's main command: the example project's whole pipeline, as a pull request would run it
// (tiers 1 to 3) and as the schedule would (the nightly and weekly suites), then its HTML report.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// A copy of the example elsewhere (the end-to-end test runs one) can be named instead.
const repo = process.argv[2] ?? "examples/trading-bot";
const state = join(repo, ".tierci");
// An unreachable package index makes pip retry every request with backoff; one try is enough
// to fall through to the next configured index (where the network works, a failed request is just not retried).
const pipEnv = ["--env", `PIP_RETRIES=${process.env["PIP_RETRIES"] ?? "0"}`];

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "bin", "tierci.js");

function tierci(...args) {
  console.log(`\n$ tierci ${args.join(" ")}`);
  return spawnSync(process.execPath, [cli, ...args], { stdio: "inherit" }).status ?? 1;
}

function runOf(summaryFile) {
  const summary = JSON.parse(readFileSync(summaryFile, "utf8"));
  return { id: summary.run_id, status: summary.status };
}

// The example's dependency audit reads this database; see examples/advisories/README.md.
if (tierci("deps", "db", "import", join(root, "examples", "advisories", "PyPI"), "--repo", repo) !== 0) process.exit(2);

const results = [];
for (const event of ["pull_request", "schedule"]) {
  const json = join(state, `example-${event}.json`);
  const code = tierci("run", "--repo", repo, "--event", event, ...pipEnv, "--json", json);
  if (code === 2) process.exit(2);
  results.push({ event, ...runOf(json) });
}

const report = join(state, "report.html");
tierci("report", String(results[0].id), "--repo", repo, "--html", report);

console.log("\nexample pipeline:");
for (const r of results) console.log(`  ${r.event.padEnd(12)} run ${r.id}: ${r.status}`);
console.log(`  HTML report of the pull request run: ${report}`);
process.exit(results.every((r) => r.status === "success") ? 0 : 1);
