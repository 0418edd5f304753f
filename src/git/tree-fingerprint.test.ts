import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { makeRepo } from "../../test/support/git-repo.js";
import { fingerprintTree, type TreeFingerprint } from "./tree-fingerprint.js";

const work = mkdtempSync(join(tmpdir(), "tierci-fingerprint-"));
after(() => rmSync(work, { recursive: true, force: true }));

async function print(dir: string, entries = false): Promise<TreeFingerprint> {
  const r = await fingerprintTree(dir, work, { entries });
  if ("error" in r) throw new Error(r.error);
  return r;
}

function objectCount(gitDir: string): number {
  const objects = join(gitDir, "objects");
  return readdirSync(objects)
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .reduce((n, d) => n + readdirSync(join(objects, d)).length, 0);
}

test("a clean checkout's fingerprint is its commit's tree; edits, new files, modes and symlinks change it, ignored files and .tierci do not", async () => {
  const repo = makeRepo();
  try {
    repo.write(".gitignore", "*.log\n");
    repo.write("src/a.txt", "a\n");
    repo.commit("initial");
    const clean = await print(repo.dir);
    assert.equal(clean.tree, repo.git("rev-parse", "HEAD^{tree}"));

    repo.write("debug.log", "ignored\n");
    repo.write(".tierci/state.db", "tierci's own\n");
    assert.equal((await print(repo.dir)).tree, clean.tree);

    repo.write("src/a.txt", "b\n");
    const edited = await print(repo.dir);
    assert.notEqual(edited.tree, clean.tree);
    repo.write("src/a.txt", "a\n");
    assert.equal((await print(repo.dir)).tree, clean.tree, "undoing the edit gives the clean tree back");

    repo.write("notes.txt", "untracked\n");
    const untracked = await print(repo.dir, true);
    assert.notEqual(untracked.tree, clean.tree);
    assert.deepEqual(
      untracked.entries?.map((e) => e.path),
      [".gitignore", "notes.txt", "src/a.txt"],
    );

    chmodSync(join(repo.dir, "notes.txt"), 0o755);
    const executable = await print(repo.dir);
    assert.notEqual(executable.tree, untracked.tree);
    symlinkSync("src/a.txt", join(repo.dir, "link"));
    assert.notEqual((await print(repo.dir)).tree, executable.tree);
  } finally {
    repo.remove();
  }
});

test("the user's index and object store are left exactly as they were", async () => {
  const repo = makeRepo();
  try {
    repo.write("a.txt", "a\n");
    repo.commit("initial");
    repo.write("a.txt", "changed, not staged\n");
    repo.write("new.txt", "untracked\n");
    const index = join(repo.dir, ".git", "index");
    // git status may refresh the index itself: asked first, so that only tierci's effect is measured.
    const status = repo.git("status", "--porcelain");
    const before = { bytes: readFileSync(index), mtime: statSync(index).mtimeMs, objects: objectCount(join(repo.dir, ".git")), status };
    await print(repo.dir, true);
    assert.deepEqual(readFileSync(index), before.bytes);
    assert.equal(statSync(index).mtimeMs, before.mtime);
    assert.equal(objectCount(join(repo.dir, ".git")), before.objects);
    assert.equal(repo.git("status", "--porcelain"), before.status);
    assert.deepEqual(readdirSync(work), [], "nothing is left behind in the state directory");
  } finally {
    repo.remove();
  }
});

test("outside a git work tree there is no fingerprint, and it says why", async () => {
  const dir = mkdtempSync(join(tmpdir(), "tierci-nogit-"));
  try {
    const r = await fingerprintTree(dir, work);
    assert.ok("error" in r);
    assert.match(r.error, /is not a git work tree/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a repository that ignores tierci's state has a fingerprint (git add refuses a pathspec naming an ignored path)", async () => {
  const repo = makeRepo();
  try {
    repo.write(".gitignore", ".tierci/\n");
    repo.write("a.txt", "a\n");
    repo.commit("initial");
    repo.write(".tierci/tierci.db", "state\n");
    assert.equal((await print(repo.dir)).tree, repo.git("rev-parse", "HEAD^{tree}"));
  } finally {
    repo.remove();
  }
});

test("tierci's state is left out even where the repository tracks it", async () => {
  const repo = makeRepo();
  try {
    repo.write("a.txt", "a\n");
    const without = repo.commit("without state");
    repo.write(".tierci/old.db", "committed by mistake\n");
    repo.commit("with state");
    assert.equal((await print(repo.dir)).tree, repo.git("rev-parse", `${without}^{tree}`));
  } finally {
    repo.remove();
  }
});

test("jobs asking at the same moment share one fingerprint; a later ask sees the tree as it is then", async () => {
  const repo = makeRepo();
  try {
    repo.write("a.txt", "a\n");
    repo.commit("initial");
    const together = [fingerprintTree(repo.dir, work), fingerprintTree(repo.dir, work), fingerprintTree(repo.dir, work, { entries: true })];
    const [first, second, withEntries] = await Promise.all(together);
    assert.equal(first, second, "the second ask got the first one's answer");
    assert.notEqual(first, withEntries, "an ask for the entries is answered on its own");
    repo.write("a.txt", "changed\n");
    const later = await print(repo.dir);
    assert.notEqual(later.tree, (first as TreeFingerprint).tree);
  } finally {
    repo.remove();
  }
});
