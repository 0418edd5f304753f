import assert from "node:assert/strict";
import { chmodSync, lstatSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { tempDir } from "../../test/support/git-repo.js";
import { cacheDirCandidates, compileCacheDir, isPrivateDir, type CacheEnvironment } from "./compile-cache.js";

const root = tempDir("tierci-compile-cache-");
after(() => rmSync(root, { recursive: true, force: true }));
const uid = process.getuid?.();

function environment(name: string, env: NodeJS.ProcessEnv = {}): CacheEnvironment {
  const base = join(root, name);
  mkdirSync(join(base, "home"), { recursive: true });
  mkdirSync(join(base, "tmp"), { recursive: true });
  return { env, home: join(base, "home"), tmp: join(base, "tmp"), uid };
}

test("candidates: XDG_CACHE_HOME, then ~/.cache, then a directory named for the user in the temporary directory", () => {
  const dirs = cacheDirCandidates({ env: { XDG_CACHE_HOME: "/x/cache" }, home: "/home/mona", tmp: "/tmp", uid: 1000 });
  assert.deepEqual(dirs, ["/x/cache/tierci/compile-cache", "/home/mona/.cache/tierci/compile-cache", "/tmp/tierci-compile-cache-1000"]);
});

test("candidates: a relative XDG_CACHE_HOME or home is ignored, and without user ids the shared temporary directory is never used", () => {
  assert.deepEqual(cacheDirCandidates({ env: { XDG_CACHE_HOME: "cache" }, home: "", tmp: "/tmp", uid: 1000 }), ["/tmp/tierci-compile-cache-1000"]);
  assert.deepEqual(cacheDirCandidates({ env: {}, home: "relative", tmp: "/tmp", uid: undefined }), []);
});

test("a missing directory is created for this user alone", { skip: uid === undefined ? "no user ids here" : false }, () => {
  const dir = join(root, "fresh", "a", "b");
  assert.equal(isPrivateDir(dir, uid), true);
  assert.equal(lstatSync(dir).mode & 0o777, 0o700);
});

test("a directory others may write to, someone else's, a symlink or a file is refused", { skip: uid === undefined ? "no user ids here" : false }, () => {
  const open = join(root, "open");
  mkdirSync(open);
  chmodSync(open, 0o777);
  assert.equal(isPrivateDir(open, uid), false);

  const groupWritable = join(root, "group");
  mkdirSync(groupWritable);
  chmodSync(groupWritable, 0o770);
  assert.equal(isPrivateDir(groupWritable, uid), false);

  const theirs = join(root, "theirs");
  mkdirSync(theirs, { mode: 0o700 });
  assert.equal(isPrivateDir(theirs, (uid ?? 0) + 1), false);

  const target = join(root, "target");
  mkdirSync(target, { mode: 0o700 });
  const link = join(root, "link");
  symlinkSync(target, link);
  assert.equal(isPrivateDir(link, uid), false);

  const file = join(root, "file");
  writeFileSync(file, "");
  assert.equal(isPrivateDir(file, uid), false);
});

test(
  "the first private candidate is used: a planted symlink as XDG cache falls through to ~/.cache",
  { skip: uid === undefined ? "no user ids here" : false },
  () => {
    const e = environment("planted");
    const xdg = join(root, "planted", "xdg");
    mkdirSync(join(xdg, "tierci"), { recursive: true });
    mkdirSync(join(root, "planted", "elsewhere"));
    symlinkSync(join(root, "planted", "elsewhere"), join(xdg, "tierci", "compile-cache"));
    e.env["XDG_CACHE_HOME"] = xdg;
    assert.equal(compileCacheDir(e), join(e.home, ".cache", "tierci", "compile-cache"));
  },
);

test("NODE_COMPILE_CACHE and NODE_DISABLE_COMPILE_CACHE leave the choice to the user", () => {
  assert.equal(compileCacheDir(environment("own", { NODE_COMPILE_CACHE: "/somewhere" })), undefined);
  assert.equal(compileCacheDir(environment("off", { NODE_DISABLE_COMPILE_CACHE: "1" })), undefined);
  assert.equal(compileCacheDir(environment("default")), join(root, "default", "home", ".cache", "tierci", "compile-cache"));
});
