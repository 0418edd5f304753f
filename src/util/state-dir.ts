// tierci's state directory (<repo>/.tierci unless the user names another): runs, caches, artifacts.
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** Where a repository's state lives when the user names no other directory. */
export function defaultStateDir(repo: string): string {
  return join(resolve(repo), ".tierci");
}

/** Creates the directory; its own .gitignore keeps git (and so path filters and job snapshots) from seeing what tierci keeps there. */
export function prepareStateDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, ".gitignore"), "*\n");
}
