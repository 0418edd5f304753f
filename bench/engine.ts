// Engine overhead: what tierci adds per step and per job on top of the commands themselves.
// Per step: one job of 100 `run: true` steps against bash starting 100 times for the same
// commands (each step is its own bash on GitHub too). Per job: 40 one-step jobs against bash
// running their 40 commands. Times are the run's own (the summary's job and tier durations), so
// the CLI's start-up is not counted; `startup` measures that.
import { commitDirectory } from "./repo.js";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, report } from "./stats.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(ROOT, "bin", "tierci.js");
const RUNS = 5;
const STEPS = 100;
const JOBS = 40;

function engineRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "tierci-bench-engine-"));
  mkdirSync(join(dir, ".github", "workflows"), { recursive: true });
  const steps = Array.from({ length: STEPS }, () => "      - run: true\n").join("");
  writeFileSync(join(dir, ".github", "workflows", "steps.yml"), `name: steps\non: push\njobs:\n  many:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`);
  const jobs = Array.from({ length: JOBS }, (_, i) => `  j${i}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: true\n`).join("");
  writeFileSync(join(dir, ".github", "workflows", "jobs.yml"), `name: jobs\non: push\njobs:\n${jobs}`);
  commitDirectory(dir);
  return dir;
}

interface Summary {
  tiers: { duration_ms: number }[];
  jobs: { duration_ms: number }[];
}

function runWorkflow(repo: string, file: string): Summary {
  const out = join(repo, ".tierci-bench.json");
  const r = spawnSync(process.execPath, [CLI, "run", "--offline", "-W", `.github/workflows/${file}`, "--json", out, "--repo", repo], {
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (r.status !== 0) throw new Error(`tierci run of ${file} exited ${r.status}: ${r.stderr.toString().slice(-2000)}`);
  return JSON.parse(readFileSync(out, "utf8")) as Summary;
}

/** bash started once per command, as the steps start it, `count` times in a row. */
function bashRuns(count: number): number {
  const start = performance.now();
  for (let i = 0; i < count; i++) spawnSync("bash", ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", "true"], { stdio: "ignore" });
  return performance.now() - start;
}

export async function benchEngine(): Promise<void> {
  const repo = engineRepo();
  try {
    runWorkflow(repo, "steps.yml"); // warms the file cache
    const stepJob: number[] = [];
    const stepBash: number[] = [];
    const jobsTier: number[] = [];
    const jobsBash: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      stepJob.push(runWorkflow(repo, "steps.yml").jobs[0]?.duration_ms ?? 0);
      stepBash.push(bashRuns(STEPS));
      jobsTier.push(runWorkflow(repo, "jobs.yml").tiers[0]?.duration_ms ?? 0);
      jobsBash.push(bashRuns(JOBS));
    }
    report("engine", `job of ${STEPS} 'run: true' steps`, stepJob, `bash x${STEPS}`, stepBash);
    report("engine", `tier of ${JOBS} one-step jobs`, jobsTier, `bash x${JOBS}`, jobsBash);
    const perStep = (median(stepJob) - median(stepBash)) / STEPS;
    const perJob = (median(jobsTier) - median(jobsBash)) / JOBS;
    console.log(`engine: overhead per step ${perStep.toFixed(1)} ms (goal < 10 ms); per job ${perJob.toFixed(1)} ms (goal < 50 ms)`);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}
