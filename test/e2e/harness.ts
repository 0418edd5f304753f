// Real temporary git repositories and the real CLI, for end-to-end tests.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after } from "node:test";
import { makeRepo, type TestRepo } from "../support/git-repo.js";

const CLI = resolve("bin", "tierci.js");

// The CLI's runs and `cache prune` never touch the user's shared tool cache: each test file has its own.
const toolCache = mkdtempSync(join(tmpdir(), "tierci-e2e-tools-"));
process.env["TIERCI_TOOL_CACHE"] = toolCache;
after(() => rmSync(toolCache, { recursive: true, force: true }));

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

export function runCli(args: string[], cwd?: string, extra: { env?: NodeJS.ProcessEnv; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: cwd ?? process.cwd(),
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", ...extra.env },
    ...(extra.input !== undefined ? { input: extra.input } : {}),
    // Progress of a step that prints a lot goes past the default 1 MB, which would kill the CLI.
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI as a child process that a test can signal while it runs. */
export function startCli(args: string[]): { child: ChildProcess; output: () => string; done: Promise<number> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout?.on("data", (d: Buffer) => (text += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (text += d.toString()));
  const done = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
  return { child, output: () => text, done };
}

export async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True while a process with this pid exists (and is not a zombie). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** A maker of temporary repositories that are all removed when the test file ends. */
export function repoFactory(): (files: Record<string, string>) => TempRepo {
  const made: TempRepo[] = [];
  after(() => made.forEach((r) => r.remove()));
  return (files) => {
    const r = new TempRepo(files);
    made.push(r);
    return r;
  };
}
