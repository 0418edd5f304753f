// Throwaway repositories for tests, built with the real git CLI so that the helpers are
// tested against git's actual behaviour.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

// A bare test machine has no identity configured, and a developer's global config (signing,
// hooks, default branch) must not leak into the fixtures.
const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: "Mona Octocat",
  GIT_AUTHOR_EMAIL: "mona@example.com",
  GIT_COMMITTER_NAME: "Mona Octocat",
  GIT_COMMITTER_EMAIL: "mona@example.com",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
};

export interface TestRepo {
  dir: string;
  /** Runs git in the repository and returns its trimmed standard output. */
  git(...args: string[]): string;
  write(path: string, content?: string): void;
  commit(message: string): string;
  remove(): void;
}

/** An empty directory in the system's temporary directory, resolved through symlinks. */
export function tempDir(prefix = "tierci-git-"): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

/** `git init -b <branch>` in a fresh temporary directory. */
export function makeRepo(branch = "main"): TestRepo {
  const dir = tempDir();
  const repo: TestRepo = {
    dir,
    git: (...args) => execFileSync("git", args, { cwd: dir, env: ENV, encoding: "utf8" }).trim(),
    write(path, content = `${path}\n`) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    },
    commit(message) {
      repo.git("add", "-A");
      repo.git("-c", "commit.gpgsign=false", "commit", "-q", "--allow-empty", "-m", message);
      return repo.git("rev-parse", "HEAD");
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  repo.git("init", "-q", "-b", branch);
  return repo;
}

/**
 * main: README.md, .gitignore, src/a.ts, then src/b.ts; feature/x off main changes src/a.ts;
 * then, uncommitted: README.md edited, src/staged.ts staged, notes.txt untracked, debug.log ignored.
 */
export function makeFeatureRepo(): TestRepo & { mainSha: string } {
  const repo = makeRepo();
  repo.write("README.md", "# demo\n");
  repo.write(".gitignore", "*.log\n");
  repo.write("src/a.ts", "export const a = 1;\n");
  repo.commit("initial");
  repo.write("src/b.ts", "export const b = 2;\n");
  const mainSha = repo.commit("add b\n\nSecond line of the body.");
  repo.git("checkout", "-q", "-b", "feature/x");
  repo.write("src/a.ts", "export const a = 10;\n");
  repo.commit("change a");
  repo.write("README.md", "# demo, edited\n");
  repo.write("src/staged.ts", "export {};\n");
  repo.git("add", "src/staged.ts");
  repo.write("notes.txt", "scratch\n");
  repo.write("debug.log", "noise\n");
  return Object.assign(repo, { mainSha });
}
