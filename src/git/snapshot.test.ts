import assert from "node:assert/strict";
import { readdirSync, rmSync } from "node:fs";
import { test } from "node:test";
import { makeFeatureRepo, tempDir } from "../../test/support/git-repo.js";
import { copySnapshot } from "./snapshot.js";

const listed = (dir: string): string[] => (readdirSync(dir, { recursive: true, encoding: "utf8" }) as string[]).sort();

test("snapshots taken at once each get every file; a later one sees a file added since", async (t) => {
  const repo = makeFeatureRepo();
  const targets = [tempDir(), tempDir(), tempDir()];
  t.after(() => {
    repo.remove();
    for (const dir of targets) rmSync(dir, { recursive: true, force: true });
  });
  const counts = await Promise.all(targets.slice(0, 2).map((dir) => copySnapshot(repo.dir, dir)));
  assert.equal(counts[0], counts[1]);
  assert.deepEqual(listed(targets[0] as string), listed(targets[1] as string));
  assert.ok(listed(targets[0] as string).includes("notes.txt"), "untracked files are in the snapshot");
  assert.ok(!listed(targets[0] as string).includes("debug.log"), "ignored files are not");
  repo.write("added.txt", "new\n");
  await copySnapshot(repo.dir, targets[2] as string);
  assert.ok(listed(targets[2] as string).includes("added.txt"));
});
