// Exact-tree identity: the fingerprint of an unchanged tree of 5,000 and 50,000 files against
// `git status --porcelain` on the same tree (goal: within 1.5x), and the example pipeline fully
// reused against running it (goal: under 5% of its time).
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fingerprintTree } from "../src/git/tree-fingerprint.js";
import { commitDirectory } from "./repo.js";
import { median, report } from "./stats.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(ROOT, "bin", "tierci.js");
const RUNS = 7;

function tree(files: number): string {
  const dir = mkdtempSync(join(tmpdir(), `tierci-bench-tree-${files}-`));
  for (let i = 0; i < files; i++) {
    const sub = join(dir, `pkg${Math.floor(i / 100)}`);
    if (i % 100 === 0) mkdirSync(sub);
    writeFileSync(join(sub, `file${i}.py`), `value_${i} = ${i}\n`.repeat(4));
  }
  commitDirectory(dir);
  // A developer's tree: one file edited, one new, as it usually is between runs.
  writeFileSync(join(dir, "pkg0", "file0.py"), "edited = True\n");
  writeFileSync(join(dir, "notes.md"), "untracked\n");
  return dir;
}

async function benchFingerprint(files: number): Promise<void> {
  const dir = tree(files);
  const work = mkdtempSync(join(tmpdir(), "tierci-bench-fp-"));
  try {
    const status = (): void => {
      spawnSync("git", ["status", "--porcelain"], { cwd: dir, stdio: "ignore" });
    };
    const print = async (): Promise<void> => {
      const r = await fingerprintTree(dir, work);
      if ("error" in r) throw new Error(r.error);
    };
    status();
    await print();
    const fp: number[] = [];
    const st: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      await print();
      fp.push(performance.now() - t);
      t = performance.now();
      status();
      st.push(performance.now() - t);
    }
    report("reuse", `fingerprint of an unchanged ${files}-file tree`, fp, "git status --porcelain", st);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

function runExample(repo: string, ...flags: string[]): { ms: number; reused: number; jobs: number } {
  const summary = join(repo, ".tierci", "bench-summary.json");
  const start = performance.now();
  const r = spawnSync(process.execPath, [CLI, "run", "--repo", repo, "--event", "pull_request", "--env", "PIP_RETRIES=0", "--json", summary, ...flags], {
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`the example pipeline failed (exit ${r.status}): ${r.stderr.toString().slice(-2000)}`);
  const jobs = (JSON.parse(readFileSync(summary, "utf8")) as { jobs: { reused_from?: unknown }[] }).jobs;
  return { ms, reused: jobs.filter((j) => j.reused_from !== undefined).length, jobs: jobs.length };
}

function benchExample(): void {
  const repo = mkdtempSync(join(tmpdir(), "tierci-bench-reuse-example-"));
  try {
    cpSync(join(ROOT, "examples", "trading-bot"), repo, { recursive: true, filter: (src) => !src.includes(`${join("trading-bot", ".tierci")}`) });
    commitDirectory(repo);
    // The example's dependency audit reads this database, as the README's main command imports it.
    spawnSync(process.execPath, [CLI, "deps", "db", "import", join(ROOT, "examples", "advisories", "PyPI"), "--repo", repo], { stdio: "ignore" });
    const full = [runExample(repo, "--reuse"), runExample(repo, "--no-reuse")];
    const reused = [runExample(repo, "--reuse"), runExample(repo, "--reuse"), runExample(repo, "--reuse")];
    const partial = reused.filter((r) => r.reused !== r.jobs);
    if (partial.length > 0) console.log(`reuse: ${partial[0]?.reused} of ${partial[0]?.jobs} jobs were reused in a run meant to reuse them all`);
    report(
      "reuse",
      `example pipeline, every job reused (${reused[0]?.reused}/${reused[0]?.jobs})`,
      reused.map((r) => r.ms),
      "running it",
      full.map((r) => r.ms),
    );
    console.log(`reuse: example pipeline fully reused in ${median(reused.map((r) => r.ms)).toFixed(0)} ms (goal: under 1 s and under 5% of a full run)`);
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}

export async function benchReuse(): Promise<void> {
  await benchFingerprint(5_000);
  await benchFingerprint(50_000);
  benchExample();
}
