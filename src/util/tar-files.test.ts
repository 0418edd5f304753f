// What comes back from an agent as a tar is unpacked only when every entry is a plain file or a
// directory inside the target: a link or a path out of it is refused before anything is written.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { packDirectory, unpackInto } from "./tar-files.js";

function scratch(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), "tierci-tar-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test("a tree goes through and comes back the same", async (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, "src", "dist", "files"), { recursive: true });
  writeFileSync(join(dir, "src", "dist", "manifest.json"), "{}");
  writeFileSync(join(dir, "src", "dist", "files", "a.txt"), "hello");
  await unpackInto(await packDirectory(join(dir, "src")), join(dir, "out"));
  assert.equal(readFileSync(join(dir, "out", "dist", "files", "a.txt"), "utf8"), "hello");
});

test("an archive with a symbolic link is refused and nothing is written", async (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, "src"));
  symlinkSync("/etc", join(dir, "src", "escape"));
  await assert.rejects(unpackInto(await packDirectory(join(dir, "src")), join(dir, "out")), /not a file or directory/);
  assert.equal(existsSync(join(dir, "out")), false);
});

test("an archive with a path out of the target is refused", async (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, "src", "inner"), { recursive: true });
  writeFileSync(join(dir, "src", "evil.txt"), "x");
  const archive = execFileSync("tar", ["-C", join(dir, "src", "inner"), "-P", "-cf", "-", "../evil.txt"]);
  await assert.rejects(unpackInto(archive, join(dir, "out")), /outside the target/);
  assert.equal(existsSync(join(dir, "evil.txt")), false);
});
