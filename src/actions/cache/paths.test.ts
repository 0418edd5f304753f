import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test, type TestContext } from "node:test";
import { compilePaths, pathLines } from "./paths.js";
import { walkSync } from "./walk.js";

function tree(t: TestContext, files: string[]): { ws: string; home: string } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "tierci-cache-paths-")));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const ws = join(root, "ws");
  const home = join(root, "home");
  for (const f of files) {
    const abs = f.startsWith("~/") ? join(home, f.slice(2)) : join(ws, f);
    if (f.endsWith("/")) mkdirSync(abs, { recursive: true });
    else {
      mkdirSync(dirname(abs), { recursive: true });
      writeFileSync(abs, f);
    }
  }
  mkdirSync(ws, { recursive: true });
  return { ws, home };
}

const found = (lines: string[], ctx: { ws: string; home: string }): string[] =>
  walkSync(lines, { workspace: ctx.ws, home: ctx.home }).map((i) => `${i.root}:${i.rel}${i.type === "dir" ? "/" : ""}`);

test("path lines are trimmed as actions/cache does, keeping comments for the version", () => {
  assert.deepEqual(pathLines("  a/b \n\n! c\n# note\n!d"), ["a/b", "!c", "# note", "!d"]);
});

test("a plain directory brings its whole tree; an exclude removes a subtree inside it", (t) => {
  const ctx = tree(t, ["deps/a.txt", "deps/sub/b.txt", "deps/unwanted/c.txt", "other.txt"]);
  assert.deepEqual(found(["deps", "!deps/unwanted"], ctx), ["0:deps/", "0:deps/a.txt", "0:deps/sub/", "0:deps/sub/b.txt"]);
});

test("globs match dot files, excludes apply to matches, and a later pattern re-includes", (t) => {
  const ctx = tree(t, ["src/app.py", "src/.hidden.py", "src/test_app.py", "src/pkg/mod.py", "src/pkg/test_mod.py", "src/keep/test_keep.py", "README.md"]);
  assert.deepEqual(found(["src/**/*.py", "!**/test_*.py", "src/keep/*.py"], ctx), ["0:.hidden.py", "0:app.py", "0:keep/test_keep.py", "0:pkg/mod.py"]);
});

test("a comment line is ignored and a trailing slash matches directories only", (t) => {
  const ctx = tree(t, ["build/", "build/out.o", "notes/build", "lib/build/x.o"]);
  assert.deepEqual(found(["# cached outputs", "**/build/"], ctx), ["0:build/", "0:build/out.o", "0:lib/build/", "0:lib/build/x.o"]);
});

test("~ is the job's HOME, and each root is stored relative to its own directory", (t) => {
  const ctx = tree(t, ["~/.cache/pip/wheel.whl", "node_modules/x/index.js", "~/.npm/_cacache/y"]);
  const compiled = compilePaths(["~/.cache/pip", "node_modules", "~/.npm/**"], { workspace: ctx.ws, home: ctx.home });
  assert.deepEqual(
    compiled.roots.map((r) => r.spec),
    ["~/.cache", ".", "~/.npm"],
  );
  assert.deepEqual(found(["~/.cache/pip", "node_modules", "~/.npm/**"], ctx), [
    "0:pip/",
    "0:pip/wheel.whl",
    "1:node_modules/",
    "1:node_modules/x/",
    "1:node_modules/x/index.js",
    "2:_cacache/",
    "2:_cacache/y",
  ]);
  assert.deepEqual(
    compilePaths(["~/.cache/pip", "~/.cache/**/*.whl", "~"], { workspace: ctx.ws, home: ctx.home }).roots.map((r) => r.spec),
    ["~/.."],
  );
});

test("symbolic links are kept as links, not followed", (t) => {
  const ctx = tree(t, ["data/real/file.txt"]);
  symlinkSync("real", join(ctx.ws, "data", "alias"));
  symlinkSync("/etc", join(ctx.ws, "data", "etc"));
  assert.deepEqual(found(["data"], ctx), ["0:data/", "0:data/alias", "0:data/etc", "0:data/real/", "0:data/real/file.txt"]);
  const types = walkSync(["data"], { workspace: ctx.ws, home: ctx.home }).map((i) => i.type);
  assert.deepEqual(types, ["dir", "symlink", "symlink", "dir", "file"]);
});

test("missing paths select nothing", (t) => {
  const ctx = tree(t, ["a.txt"]);
  assert.deepEqual(found(["nope", "nope/**/*.x", "~/.absent"], ctx), []);
});
