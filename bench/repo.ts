// A benchmark's repository: its files committed on main by a throwaway identity, with the
// user's own git configuration kept out.
import { spawnSync } from "node:child_process";

export function commitDirectory(dir: string): void {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: "b",
    GIT_AUTHOR_EMAIL: "b@example.com",
    GIT_COMMITTER_NAME: "b",
    GIT_COMMITTER_EMAIL: "b@example.com",
    GIT_CONFIG_GLOBAL: "/dev/null",
  };
  for (const args of [
    ["init", "-q", "-b", "main"],
    ["add", "-A"],
    ["commit", "-q", "-m", "init"],
  ])
    spawnSync("git", args, { cwd: dir, env });
}
