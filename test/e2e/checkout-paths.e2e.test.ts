// actions/checkout where paths are awkward: a repository whose directory name git would misread
// in a file URL, and a checkout path that only looks like a way out of the workspace.
import assert from "node:assert/strict";
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { tempDir } from "../support/git-repo.js";
import { runCli, TempRepo } from "./harness.js";

const cleanup: (() => void)[] = [];
after(() => cleanup.forEach((f) => f()));

const workflow = `on: push
jobs:
  co:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: git log --oneline -1 | grep -q initial
      - uses: actions/checkout@v4
        with:
          path: ..sub
      - run: test -f ..sub/README.md && git -C ..sub log --oneline -1 | grep -q initial
`;

test("checkout works in a repository whose path holds %, # and spaces, and accepts path: ..sub", () => {
  const r = new TempRepo({ "README.md": "hi\n", ".github/workflows/co.yml": workflow });
  const parent = tempDir("tierci-checkout-");
  cleanup.push(
    () => rmSync(parent, { recursive: true, force: true }),
    () => r.remove(),
  );
  // `%41` is what git would decode to `A` in an unencoded file URL.
  const odd = join(parent, "my repo #1 100%41");
  mkdirSync(parent, { recursive: true });
  renameSync(r.dir, odd);
  const res = runCli(["run", "--offline", "--repo", odd]);
  const logs = runCli(["logs", "1", "--repo", odd]).stdout;
  assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}\n${logs}`);
  assert.doesNotMatch(logs, /outside the workspace/);
});
