// Each job's private directories (workspace, HOME, RUNNER_TEMP), and the tool cache all jobs share.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { toolCacheRoot } from "../toolcache/layout.js";

export interface JobDirs {
  root: string;
  workspace: string;
  home: string;
  temp: string;
  toolCache: string;
  /** Where env files and scripts of steps go; not visible as the workspace. */
  internal: string;
}

/** Where the job directories of a run go: the run's tag starts their names, so a killed run's can be found. */
export function jobDirPrefix(runTag: string): string {
  return `tierci-${runTag}-`;
}

/** Makes the directory tree of one job under a fresh temporary directory. */
export async function createJobDirs(repoName: string, label: string, runTag = "norun"): Promise<JobDirs> {
  const safe = label.replace(/[^A-Za-z0-9._-]+/g, "-").slice(0, 60);
  const root = await mkdtemp(join(tmpdir(), `${jobDirPrefix(runTag)}${safe}-`));
  const dirs: JobDirs = {
    root,
    workspace: join(root, "work", repoName, repoName),
    home: join(root, "home"),
    temp: join(root, "temp"),
    // Shared by every job and run, as a runner's tool cache is; tools are installed into it atomically.
    toolCache: toolCacheRoot(),
    internal: join(root, "internal"),
  };
  await Promise.all([dirs.workspace, dirs.home, dirs.temp, dirs.toolCache, dirs.internal].map((d) => mkdir(d, { recursive: true })));
  return dirs;
}

export async function removeJobDirs(dirs: JobDirs): Promise<void> {
  await rm(dirs.root, { recursive: true, force: true, maxRetries: 3 });
}

export function repositoryDirName(repoRoot: string): string {
  return basename(repoRoot) || "repository";
}
