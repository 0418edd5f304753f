// `secrets scan --history` on histories built to hide things: a secret added by a merge commit
// itself, and a history with an object missing.
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { makeRepo, type TestRepo } from "../support/git-repo.js";
import { runCli } from "./harness.js";

const TOKEN = "ghp_R8sKq2mXv7Lp0aZ3nB5cD9eF1gH4jK6lM8nQ";
const repos: TestRepo[] = [];
after(() => repos.forEach((r) => r.remove()));

/** main and a feature branch merged with --no-commit, and the merge commit adding `extra`. */
function evilMerge(extra: Record<string, string>): TestRepo {
  const repo = makeRepo();
  repos.push(repo);
  repo.write("a.txt", "base\n");
  repo.commit("base");
  repo.git("checkout", "-q", "-b", "feat");
  repo.write("f.txt", "f\n");
  repo.commit("feat");
  repo.git("checkout", "-q", "main");
  repo.write("m.txt", "m\n");
  repo.commit("main");
  repo.git("-c", "user.name=t", "-c", "user.email=t@t", "merge", "-q", "--no-ff", "--no-commit", "feat");
  for (const [path, text] of Object.entries(extra)) repo.write(path, text);
  repo.commit("merge feat");
  return repo;
}

test("a secret that only the merge commit adds (an evil merge) is found, in that commit", () => {
  const repo = evilMerge({ "config.ini": `token = "${TOKEN}"\n` });
  const merge = repo.git("rev-parse", "HEAD");
  const r = runCli(["secrets", "scan", "--history", "--repo", repo.dir]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`${merge.slice(0, 12)} config\\.ini:1:\\d+: error: GitHub personal access token`));
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(TOKEN));
});

test("a missing object costs only its commit: a warning names it, every other finding is still reported, --json too", () => {
  const repo = evilMerge({ "config.ini": `token = "${TOKEN}"\n` });
  const blob = repo.git("rev-parse", "HEAD^1:m.txt");
  rmSync(join(repo.dir, ".git", "objects", blob.slice(0, 2), blob.slice(2)));
  const json = join(repo.dir, "..", `${blob}.json`);
  const r = runCli(["secrets", "scan", "--history", "--repo", repo.dir, "--json", json]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`warning: commit [0-9a-f]{12} was not scanned: git cannot read object ${blob}`));
  assert.match(r.stdout, /config\.ini:1:\d+: error: GitHub personal access token/);
  const report = JSON.parse(readFileSync(json, "utf8")) as { count: number; warnings: string[] };
  assert.equal(report.count, 1);
  assert.match(report.warnings[0] ?? "", new RegExp(blob));
  rmSync(json, { force: true });
});
