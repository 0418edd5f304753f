// Input built to hurt: a YAML alias bomb is refused at once by every command that reads workflows,
// with its place, instead of hanging for minutes; files and references that lead out of the
// repository are refused without being read.
import assert from "node:assert/strict";
import { readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { tempDir } from "../support/git-repo.js";
import { repoFactory, runCli } from "./harness.js";

const newRepo = repoFactory();

const BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ..."bcdefghi".split("").map((c, i) => `${c}: &${c} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(",")}]`),
  "on: push",
  "jobs:",
  "  x:",
  "    runs-on: ubuntu-latest",
  "    steps:",
  "      - run: echo *i",
  "",
].join("\n");

test("a YAML alias bomb is refused with file:line and exit 2 by lint, list, plan, run and the pre-push hook", () => {
  const repo = newRepo({ ".github/workflows/bomb.yml": BOMB });
  for (const args of [["lint"], ["list"], ["plan"], ["run"], ["hook", "run"]]) {
    const start = Date.now();
    const r = runCli([...args, "--repo", repo.dir]);
    const ms = Date.now() - start;
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stdout + r.stderr, /\.github\/workflows\/bomb\.yml:\d+:\d+: error: the YAML's aliases expand to more than 200000 nodes \(at '\*[a-i]'\)/);
    // Refused before anything expands the aliases: far from the minutes expanding them takes.
    assert.ok(ms < 15_000, `${args.join(" ")} took ${ms} ms`);
  }
});

test("a workflow that is a symbolic link out of the repository is refused unread: its content reaches no output", () => {
  const outside = tempDir("tierci-outside-");
  const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ-secret-material\n";
  writeFileSync(join(outside, "id_ed25519"), key);
  const repo = newRepo({ ".github/workflows/ok.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ok\n" });
  symlinkSync(join(outside, "id_ed25519"), join(repo.dir, ".github/workflows/leak.yml"));
  const json = join(outside, "lint.json");
  const sarif = join(outside, "lint.sarif");
  const r = runCli(["lint", "--repo", repo.dir, "--json", json, "--sarif", sarif]);
  assert.equal(r.code, 2);
  assert.match(r.stdout + r.stderr, /\.github\/workflows\/leak\.yml:1:1: error: the file is a symbolic link to a file outside the repository; it was not read/);
  for (const text of [r.stdout, r.stderr, readFileSync(json, "utf8"), readFileSync(sarif, "utf8")]) assert.doesNotMatch(text, /secret-material|PRIVATE KEY/);
  rmSync(outside, { recursive: true, force: true });
});

test("lint refuses a local action or workflow outside the repository, as run does", () => {
  const repo = newRepo({
    ".github/workflows/escape.yml":
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./../outside\n  b:\n    uses: ./../other/.github/workflows/x.yml\n",
  });
  const lint = runCli(["lint", "--repo", repo.dir]);
  assert.equal(lint.code, 2);
  assert.match(lint.stdout + lint.stderr, /escape\.yml:6:15: error: local action '\.\/\.\.\/outside' points outside the workspace/);
  assert.match(
    lint.stdout + lint.stderr,
    /escape\.yml:8:11: error: local workflow '\.\/\.\.\/other\/\.github\/workflows\/x\.yml' points outside the workspace/,
  );
  const steps = newRepo({ ".github/workflows/escape.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./../outside\n" });
  const run = runCli(["run", "--repo", steps.dir]);
  // GitHub meets a bad local action when the step runs: run warns, runs, and the step fails with the same words.
  assert.equal(run.code, 1);
  assert.match(run.stdout + run.stderr, /warning: local action '\.\/\.\.\/outside' points outside the workspace/);
  assert.match(run.stdout + run.stderr, /escape\.yml:6: local action '\.\/\.\.\/outside' points outside the workspace/);
});

test("a workflow with thousands of jobs lints to its findings instead of overflowing the call stack", () => {
  const jobs = Array.from({ length: 15_000 }, (_, i) => `  j${i}:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${i}`).join("\n");
  const repo = newRepo({ ".github/workflows/big.yml": `on: push\njobs:\n${jobs}\n` });
  // A small stack makes 30,000 findings enough to overflow where arrays are spread into arguments,
  // as 160,000 do with Node's default stack.
  const r = spawnSync(process.execPath, ["--stack-size=200", resolve("bin", "tierci.js"), "lint", "--repo", repo.dir], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  assert.doesNotMatch(r.stderr, /Maximum call stack|internal error/);
  assert.equal(r.status, 1);
  assert.match(r.stdout + r.stderr, /30000 policy finding\(s\) in 1 file\(s\)/);
});
