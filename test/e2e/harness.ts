// Real temporary git repositories and the real CLI, for end-to-end tests.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { makeRepo, type TestRepo } from "../support/git-repo.js";

const CLI = resolve("bin", "tierci.js");


export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A real git repository in a temporary directory, with the CLI pointed at it. */
export class TempRepo {
  private readonly repo: TestRepo;

  constructor(files: Record<string, string>, opts: { commit?: boolean } = {}) {
    this.repo = makeRepo();
    this.write(files);
    if (opts.commit !== false) this.commit("initial");
  }

  get dir(): string {
    return this.repo.dir;
  }

  write(files: Record<string, string>): void {
    for (const [path, text] of Object.entries(files)) this.repo.write(path, text);
  }

  git(...args: string[]): string {
    return this.repo.git(...args);
  }

  commit(message: string): string {
    return this.repo.commit(message);
  }

  cli(...args: string[]): CliResult {
    return runCli([...args, "--repo", this.dir]);
  }

  remove(): void {
    this.repo.remove();
  }
}

export function runCli(args: string[], cwd?: string): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: cwd ?? process.cwd(),
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
