// Preparing a job's workspace (a snapshot of tracked + untracked files) on a repository
// of 5,000 files, against `cp -r` of the same tree in the same run.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copySnapshot } from "../src/git/snapshot.js";
import { report, timeRuns } from "./stats.js";

function makeRepo(files: number): string {
  const dir = mkdtempSync(join(tmpdir(), "tierci-bench-ws-"));
  for (let i = 0; i < files; i++) {
    const sub = join(dir, `pkg${i % 50}`, `mod${i % 7}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `file${i}.py`), `# module ${i}\n${"x = 1\n".repeat(20 + (i % 200))}`);
  }
  const env = { ...process.env, GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@example.com", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@example.com" };
  for (const args of [
    ["init", "-q", "-b", "main"],
    ["add", "-A"],
    ["commit", "-q", "-m", "init"],
  ])
    spawnSync("git", args, { cwd: dir, env });
  return dir;
}

export async function benchWorkspace(): Promise<void> {
  const repo = makeRepo(5000);
  const out = mkdtempSync(join(tmpdir(), "tierci-bench-ws-out-"));
  let n = 0;
  try {
    const runs = 7;
    const ours = await timeRuns(runs, async () => {
      await copySnapshot(repo, join(out, `s${n++}`));
    });
    const cp = await timeRuns(runs, () => {
      const r = spawnSync("cp", ["-r", repo, join(out, `c${n++}`)]);
      if (r.status !== 0) throw new Error("cp failed");
    });
    report("workspace (5,000 files)", "tierci snapshot (git ls-files + copy)", ours, "cp -r", cp);
  } finally {
    rmSync(repo, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
}
