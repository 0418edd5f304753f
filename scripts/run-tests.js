// Runs every compiled *.test.js under dist/ with Node's test runner. Node 20's
// --test takes no globs, so the file list is gathered here.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) collect(p, out);
    else if (name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
const files = collect("dist", [])
  .filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error("no test files found under dist/ (run npm run build first)");
  process.exit(1);
}
// Node 23 made spec the default reporter everywhere; TAP off a terminal keeps the output the same
// (and greppable for "not ok") on every supported Node.
const reporter = process.stdout.isTTY ? "spec" : "tap";
const result = spawnSync(process.execPath, ["--test", "--test-concurrency=2", `--test-reporter=${reporter}`, ...files], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
