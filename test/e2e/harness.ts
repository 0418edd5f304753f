// Real temporary git repositories and the real CLI, for end-to-end tests.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const CLI = resolve("bin", "tierci.js");

export const GIT_ENV = {
  GIT_AUTHOR_NAME: "Test Author",
  GIT_AUTHOR_EMAIL: "author@example.com",
  GIT_COMMITTER_NAME: "Test Author",
  GIT_COMMITTER_EMAIL: "author@example.com",
  GIT_CONFIG_NOSYSTEM: "1",
};

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class TempRepo {
  readonly dir: string;

  constructor(files: Record<string, string>, opts: { commit?: boolean } = {}) {
    this.dir = mkdtempSync(join(tmpdir(), "tierci-e2e-"));
    this.git("init", "-q", "-b", "main");
    this.write(files);
    if (opts.commit !== false) this.commit("initial");
  }

  write(files: Record<string, string>): void {
    for (const [path, text] of Object.entries(files)) {
      const full = join(this.dir, path);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, text);
    }
  }

  git(...args: string[]): string {
    const r = spawnSync("git", args, { cwd: this.dir, encoding: "utf8", env: { ...process.env, ...GIT_ENV } });
    if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
    return r.stdout.trim();
  }

  commit(message: string): string {
    this.git("add", "-A");
    this.git("commit", "-q", "--allow-empty", "-m", message);
    return this.git("rev-parse", "HEAD");
  }

  cli(...args: string[]): CliResult {
    return runCli([...args, "--repo", this.dir]);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function runCli(args: string[], cwd?: string): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: cwd ?? process.cwd(),
    encoding: "utf8",
    env: { ...process.env, ...GIT_ENV, NO_COLOR: "1" },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
