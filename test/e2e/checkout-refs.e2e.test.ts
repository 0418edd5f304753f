// actions/checkout as the seed pipeline uses it: full history with every branch and tag, TruffleHog
// scanning a pull request's commits against the default branch, and an origin a job cannot push to.
import assert from "node:assert/strict";
import { test } from "node:test";
import { repoFactory } from "./harness.js";

const newRepo = repoFactory();
const TOKEN = "ghp_R8sKq2mXv7Lp0aZ3nB5cD9eF1gH4jK6lM8nQ";

const SCAN = `name: Secrets
on: pull_request
jobs:
  scan:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - run: git branch -r && git tag
      - uses: trufflesecurity/trufflehog@main
        with:
          base: \${{ github.event.repository.default_branch }}
          head: HEAD
`;

test("TruffleHog with base: the default branch and head: HEAD scans the pull request's commits after a full checkout", () => {
  const repo = newRepo({ ".github/workflows/secrets.yml": SCAN, "README.md": "hi\n" });
  repo.git("tag", "v1");
  repo.git("checkout", "-q", "-b", "feature");
  repo.write({ "config.ini": `token = "${TOKEN}"\n` });
  repo.commit("add config");
  const r = repo.cli("run", "--event", "pull_request");
  const out = r.stdout + r.stderr;
  assert.equal(r.code, 1, out);
  assert.match(out, /origin\/main/);
  assert.match(out, /\bv1\b/);
  assert.match(out, /1 secret\(s\) found: config\.ini:1 \(github-pat\)/);
  assert.doesNotMatch(out, /internal error|bad revision/);
  assert.doesNotMatch(out, new RegExp(TOKEN));
});

test("a base that names nothing fails the step with what to do, not an internal error", () => {
  const repo = newRepo({ ".github/workflows/secrets.yml": SCAN.replace("${{ github.event.repository.default_branch }}", "no-such-branch") });
  repo.git("checkout", "-q", "-b", "feature");
  repo.write({ "x.txt": "x\n" });
  repo.commit("x");
  const r = repo.cli("run", "--event", "pull_request");
  const out = r.stdout + r.stderr;
  assert.equal(r.code, 1, out);
  assert.match(out, /no-such-branch\.\.HEAD.*fetch-depth: 0 gives every branch and tag/);
  assert.doesNotMatch(out, /internal error/);
});

test("a job cannot push to the repository it tests through origin, branches or tags; fetching still works", () => {
  const attack = `name: Attack
on: pull_request
permissions:
  contents: read
jobs:
  push:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - run: git fetch origin && echo fetched
      - run: git -c user.name=x -c user.email=x@x commit --allow-empty -qm evil && git push -f origin HEAD:refs/heads/feature
        continue-on-error: true
      - run: git tag -f v1 && git push -f origin refs/tags/v1
        continue-on-error: true
`;
  const repo = newRepo({ ".github/workflows/attack.yml": attack });
  repo.git("tag", "v1");
  repo.git("checkout", "-q", "-b", "feature");
  repo.write({ "f.txt": "f\n" });
  const feature = repo.commit("feature");
  const tag = repo.git("rev-parse", "v1");
  const r = repo.cli("run", "--event", "pull_request");
  const out = r.stdout + r.stderr;
  assert.match(out, /fetched/);
  assert.match(out, /a job may not push to the repository it tests/);
  assert.equal(repo.git("rev-parse", "feature"), feature);
  assert.equal(repo.git("rev-parse", "v1"), tag);
});
