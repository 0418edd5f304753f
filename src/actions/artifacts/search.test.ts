import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { test, type TestContext } from "node:test";
import { findFilesToUpload, PatternError } from "./search.js";

function tree(t: TestContext, files: string[]): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "tierci-search-")));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), f);
  }
  return dir;
}

async function search(ws: string, path: string, includeHiddenFiles = false, logs: string[] = []) {
  const r = await findFilesToUpload(path, { cwd: ws, home: join(ws, "home"), includeHiddenFiles, log: (l) => logs.push(l) });
  return { root: relative(ws, r.rootDirectory) || ".", files: r.files.map((f) => relative(r.rootDirectory, f)).sort() };
}

test("a directory uploads its contents, relative to itself", async (t) => {
  const ws = tree(t, ["dist/a.txt", "dist/sub/b.txt", "other.txt"]);
  assert.deepEqual(await search(ws, "dist"), { root: "dist", files: ["a.txt", "sub/b.txt"] });
  assert.deepEqual(await search(ws, "dist/"), { root: "dist", files: ["a.txt", "sub/b.txt"] });
});

test("a single file named literally is stored without its directories", async (t) => {
  const ws = tree(t, ["out/deep/report.xml"]);
  assert.deepEqual(await search(ws, "out/deep/report.xml"), { root: "out/deep", files: ["report.xml"] });
});

test("a glob's root is its literal part; matches keep their directories below it", async (t) => {
  const ws = tree(t, ["reports/a/x.xml", "reports/b/y.xml", "reports/b/y.txt"]);
  assert.deepEqual(await search(ws, "reports/**/*.xml"), { root: "reports", files: ["a/x.xml", "b/y.xml"] });
  assert.deepEqual(await search(ws, "reports/*/y.*"), { root: "reports", files: ["b/y.txt", "b/y.xml"] });
});

test("several patterns are rooted at the least common ancestor of their search paths", async (t) => {
  const ws = tree(t, ["build/app/bin.js", "build/docs/index.html", "logs/run.log"]);
  const logs: string[] = [];
  assert.deepEqual(await search(ws, "build/app/\nbuild/docs/*.html", false, logs), { root: "build", files: ["app/bin.js", "docs/index.html"] });
  assert.ok(logs.includes(`The least common ancestor is ${join(ws, "build")}. This will be the root directory of the artifact`), logs.join("\n"));
  assert.deepEqual(await search(ws, "build/app/bin.js\nlogs/run.log"), { root: ".", files: ["build/app/bin.js", "logs/run.log"] });
});

test("! excludes what earlier patterns matched; blank lines and comments are skipped", async (t) => {
  const ws = tree(t, ["dist/a.js", "dist/a.js.map", "dist/sub/b.js", "dist/sub/b.js.map", "dist/tmp/c.js"]);
  const path = "# what ships\ndist/\n\n!dist/**/*.map\n!dist/tmp\n";
  assert.deepEqual(await search(ws, path), { root: "dist", files: ["a.js", "sub/b.js"] });
});

test("hidden files and directories are left out unless include-hidden-files, even when named", async (t) => {
  const ws = tree(t, ["out/a.txt", "out/.env", "out/.cache/x.txt", "out/sub/.hidden", ".coverage"]);
  assert.deepEqual(await search(ws, "out"), { root: "out", files: ["a.txt"] });
  assert.deepEqual(await search(ws, "out", true), { root: "out", files: [".cache/x.txt", ".env", "a.txt", "sub/.hidden"] });
  assert.deepEqual((await search(ws, ".coverage")).files, []);
  assert.deepEqual((await search(ws, ".coverage", true)).files, [".coverage"]);
});

test("symbolic links are followed and broken ones omitted", async (t) => {
  const ws = tree(t, ["real/data.txt", "out/a.txt"]);
  symlinkSync(join(ws, "real"), join(ws, "out", "linked"));
  symlinkSync(join(ws, "nowhere"), join(ws, "out", "broken"));
  symlinkSync(join(ws, "out"), join(ws, "out", "loop"));
  const found = await search(ws, "out");
  assert.deepEqual(
    found.files.filter((f) => !f.startsWith("loop/")),
    ["a.txt", "linked/data.txt"],
  );
  assert.ok(found.files.length < 10, "a cycle of links stops");
});

test("~ is the home directory; . and .. inside a pattern are refused as @actions/glob does", async (t) => {
  const ws = tree(t, ["home/notes/n.txt"]);
  assert.deepEqual(await search(ws, "~/notes"), { root: "home/notes", files: ["n.txt"] });
  await assert.rejects(
    search(ws, "../outside"),
    (e: Error) => e instanceof PatternError && e.message === "Invalid pattern '../outside'. Relative pathing '.' and '..' is not allowed.",
  );
  await assert.rejects(search(ws, "a/./b"), PatternError);
  assert.deepEqual(await search(ws, "./home/notes/n.txt"), { root: "home/notes", files: ["n.txt"] });
});

test("nothing matching gives no files", async (t) => {
  const ws = tree(t, ["a.txt"]);
  assert.deepEqual((await search(ws, "missing/**")).files, []);
  assert.deepEqual((await search(ws, "*.xml")).files, []);
});
