// A repository copied with its .tierci directory: run numbers start again at 1 in the copy, so
// artifacts are kept by run id, and the copy's run #1 is not the original's.
import assert from "node:assert/strict";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { tempDir } from "../support/git-repo.js";
import { runCli, TempRepo } from "./harness.js";

const cleanup: (() => void)[] = [];
after(() => cleanup.forEach((f) => f()));

const workflow = `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/upload-artifact@v4
        with:
          name: out
          path: which.txt
`;

test("a copied repository uploads its own run #1 artifacts without a 409, and artifacts ls/get 1 show the copy's", () => {
  const original = new TempRepo({ "which.txt": "original\n", ".github/workflows/ci.yml": workflow });
  const parent = tempDir("tierci-copy-");
  cleanup.push(
    () => original.remove(),
    () => rmSync(parent, { recursive: true, force: true }),
  );
  const first = original.cli("run", "--offline");
  assert.equal(first.code, 0, first.stdout + first.stderr);

  const copy = join(parent, "copy");
  cpSync(original.dir, copy, { recursive: true });
  // An uncommitted change: the run takes the working tree as it is.
  writeFileSync(join(copy, "which.txt"), "copy\n");
  const second = runCli(["run", "--offline", "--repo", copy]);
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.doesNotMatch(second.stdout + second.stderr, /409/);
  assert.match(second.stdout, /run #1 /);

  const got = join(parent, "got");
  const get = runCli(["artifacts", "get", "1", "out", "--to", got, "--repo", copy]);
  assert.equal(get.code, 0, get.stdout + get.stderr);
  assert.equal(readFileSync(join(got, "which.txt"), "utf8"), "copy\n");
  const ls = JSON.parse(runCli(["artifacts", "ls", "1", "--json", "-", "--repo", copy]).stdout) as { artifacts: { name: string }[] };
  assert.deepEqual(
    ls.artifacts.map((a) => a.name),
    ["out"],
  );

  const back = join(parent, "back");
  assert.equal(original.cli("artifacts", "get", "1", "out", "--to", back).code, 0);
  assert.equal(readFileSync(join(back, "which.txt"), "utf8"), "original\n", "the original's run #1 keeps its own artifact");
});
