// Start-up latency of the CLI against `node -e 0` measured in the same run: `--version`, `list` and
// `plan` on the example, and the pre-push hook on a repository whose first tier is one trivial job,
// against `tierci run` of that same job (the difference is what the hook itself adds).
import { commitDirectory } from "./repo.js";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import Module from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, report } from "./stats.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const EXAMPLE = join(ROOT, "examples", "trading-bot");
const RUNS = 15;

interface Subject {
  name: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Called after each timed run, to read what it wrote. */
  after?: () => void;
}

function timeOnce(s: Subject): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, s.args, { env: { ...process.env, NO_COLOR: "1", ...s.env }, stdio: ["ignore", "ignore", "pipe"] });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${s.name} exited ${r.status}: ${r.stderr.toString()}`);
  s.after?.();
  return ms;
}

/** Times every subject `runs` times, taking turns, so that a change in the machine's load hits them all alike. */
function measure(subjects: Subject[], runs: number): Map<string, number[]> {
  const times = new Map(subjects.map((s) => [s.name, [] as number[]]));
  for (const s of subjects) timeOnce({ ...s, after: undefined }); // warms the file cache and Node's compile cache
  for (let i = 0; i < runs; i++) for (const s of subjects) times.get(s.name)?.push(timeOnce(s));
  return times;
}

/** A repository whose first tier is one job with one `true` step, and a second tier the hook must not run. */
function hookRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "tierci-bench-hook-"));
  const job = (name: string, run: string): string =>
    `name: ${name}\non: push\npermissions: {}\njobs:\n  ${name}:\n    runs-on: ubuntu-latest\n    timeout-minutes: 5\n    steps:\n      - run: ${run}\n`;
  mkdirSync(join(dir, ".github", "workflows"), { recursive: true });
  writeFileSync(join(dir, ".github", "workflows", "check.yml"), job("check", "true"));
  writeFileSync(join(dir, ".github", "workflows", "slow.yml"), job("slow", "sleep 30"));
  writeFileSync(join(dir, ".github", "tiers.yml"), "tiers:\n  - name: fast\n    workflows: [check.yml]\n  - name: slow\n    workflows: [slow.yml]\n");
  commitDirectory(dir);
  return dir;
}

/** `cli`: the bin/tierci.js to measure (another build's can be named to compare two builds in one run). */
export async function benchStartup(cli = join(ROOT, "bin", "tierci.js")): Promise<void> {
  const node: Subject = { name: "node -e 0", args: ["-e", "0"] };
  const subjects: Subject[] = [
    node,
    { name: "tierci --version", args: [cli, "--version"] },
    { name: "tierci list (example)", args: [cli, "list", "--repo", EXAMPLE] },
    { name: "tierci plan (example)", args: [cli, "plan", "--repo", EXAMPLE] },
  ];
  if ((Module as unknown as { enableCompileCache?: unknown }).enableCompileCache !== undefined) {
    subjects.push({ name: "tierci list (example), no compile cache", args: [cli, "list", "--repo", EXAMPLE], env: { NODE_DISABLE_COMPILE_CACHE: "1" } });
  }
  const times = measure(subjects, RUNS);
  const nodeMs = times.get(node.name) ?? [];
  for (const s of subjects.slice(1)) report("startup", s.name, times.get(s.name) ?? [], node.name, nodeMs);

  const repo = hookRepo();
  try {
    // The tier's own time, as the run records it: what the hook would take if tierci itself cost nothing.
    const summary = join(repo, ".tierci", "bench-summary.json");
    const tierMs: number[] = [];
    const hook: Subject = { name: "tierci hook run", args: [cli, "hook", "run", "--repo", repo] };
    const run: Subject = {
      name: "tierci run of tier 1's job",
      args: [cli, "run", "--offline", "-W", ".github/workflows/check.yml", "--json", summary, "--repo", repo],
      after: () => tierMs.push((JSON.parse(readFileSync(summary, "utf8")) as { tiers: { duration_ms: number }[] }).tiers[0]?.duration_ms ?? 0),
    };
    const hookTimes = measure([hook, run], Math.ceil(RUNS / 2));
    const hookMs = hookTimes.get(hook.name) ?? [];
    const runMs = hookTimes.get(run.name) ?? [];
    report("startup", hook.name, hookMs, run.name, runMs);
    report("startup", run.name, runMs, node.name, nodeMs);
    const ms = (n: number): string => `${n.toFixed(1)} ms`;
    console.log(
      `startup: hook overhead: hook run minus \`tierci run\` of the same job ${ms(median(hookMs) - median(runMs))}; hook run minus tier 1's own time ${ms(median(hookMs) - median(tierMs))} (tier median ${ms(median(tierMs))})`,
    );
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}
