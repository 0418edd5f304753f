import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { findItems } from "./index.js";
import type { FoundItem, PathContext } from "./paths.js";
import { sortItems, walkBelowSync, walkSync, walkTopSync } from "./walk.js";

/** A tree four levels deep with globs, excludes, dot files, a symbolic link and an empty directory to tell apart. */
function deepTree(): { ctx: PathContext; remove: () => void } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "tierci-cache-walk-")));
  const ws = join(root, "ws");
  const home = join(root, "home");
  const files: string[] = [];
  for (let a = 0; a < 3; a++)
    for (let b = 0; b < 3; b++)
      for (let c = 0; c < 2; c++) {
        files.push(`deps/p${a}/m${b}/d${c}/x.py`, `deps/p${a}/m${b}/d${c}/test_x.py`, `deps/p${a}/m${b}/.hidden`, `deps/p${a}/m${b}/d${c}/build/out.o`);
      }
  files.push("deps/top.txt", "deps/unwanted/deep/er/file", "other/file.txt", "~/.cache/pip/a/b/c/wheel.whl");
  for (const f of files) {
    const abs = f.startsWith("~/") ? join(home, f.slice(2)) : join(ws, f);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, f);
  }
  mkdirSync(join(ws, "deps", "p0", "empty", "deeper"), { recursive: true });
  symlinkSync("../p0", join(ws, "deps", "p1", "m0", "link"));
  return { ctx: { workspace: ws, home }, remove: () => rmSync(root, { recursive: true, force: true }) };
}

const PATTERN_SETS: string[][] = [
  ["deps"],
  ["deps", "!deps/unwanted"],
  ["deps/**/*.py", "!**/test_*.py", "deps/p1/**/test_*.py"],
  ["**/build/"],
  ["deps", "deps/p2/m1"],
  ["deps/p0", "deps"],
  ["~/.cache/pip", "deps/p1", "other"],
  ["deps/*/m1/**", "!deps/p2/**"],
];

const shown = (items: FoundItem[]): string[] => items.map((i) => `${i.root}:${i.rel}:${i.type}:${i.stat.size}`);

test("a walk in parts finds exactly what one walk finds, in the same order, however deep the first part goes", (t) => {
  const { ctx, remove } = deepTree();
  t.after(remove);
  for (const lines of PATTERN_SETS) {
    const whole = shown(walkSync(lines, ctx));
    assert.ok(whole.length > 0, `${lines.join(", ")} selects nothing`);
    for (const depth of [0, 1, 2, 3]) {
      const top = walkTopSync(lines, ctx, depth);
      // Each left directory on its own, as the pool may divide them.
      const below = top.unwalked.map((d) => walkBelowSync(lines, ctx, [d]));
      assert.deepEqual(shown(sortItems(top.items.concat(...below))), whole, `${lines.join(", ")} split at depth ${depth}`);
    }
  }
});

test("the first part stops where asked and hands back the directories there; nested starts are walked whole", (t) => {
  const { ctx, remove } = deepTree();
  t.after(remove);
  const top = walkTopSync(["deps"], ctx, 1);
  assert.ok(top.unwalked.some((d) => d.dir.endsWith("/deps/p0") && d.selected));
  assert.ok(
    top.items.every((i) => i.rel.split("/").length <= 2),
    "nothing below the first level was read",
  );
  const nested = walkTopSync(["deps", "deps/p2/m1"], ctx, 1);
  assert.deepEqual(nested.unwalked, []);
  assert.equal(nested.items.length, walkSync(["deps", "deps/p2/m1"], ctx).length);
});

test("findItems on the pool answers as the single-threaded walk", async (t) => {
  const { ctx, remove } = deepTree();
  t.after(remove);
  for (const lines of PATTERN_SETS) assert.deepEqual(shown(await findItems(lines, ctx)), shown(walkSync(lines, ctx)), lines.join(", "));
});
