import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { test, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { fakeRun, type FakeRunOptions } from "../../../test/support/fake-builtin-run.js";
import { BuiltinFailure } from "../builtin-types.js";
import { downloadArtifactAction } from "./download.js";
import { uploadArtifactAction } from "./upload.js";

interface Fixture {
  ws: string;
  stateDir: string;
  upload(inputs: Record<string, string>, opts?: Partial<FakeRunOptions>): Promise<ReturnType<typeof fakeRun>>;
  download(inputs: Record<string, string>, opts?: Partial<FakeRunOptions>): Promise<ReturnType<typeof fakeRun>>;
}

function fixture(t: TestContext, files: Record<string, string>): Fixture {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "tierci-artifact-actions-")));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const ws = join(root, "ws");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(ws, path)), { recursive: true });
    writeFileSync(join(ws, path), text);
  }
  mkdirSync(ws, { recursive: true });
  const stateDir = join(root, "state");
  const go =
    (action: typeof uploadArtifactAction) =>
    async (inputs: Record<string, string>, opts: Partial<FakeRunOptions> = {}) => {
      const run = fakeRun(action, { workspace: ws, stateDir, inputs, ...opts });
      await action.main(run);
      return run;
    };
  return { ws, stateDir, upload: go(uploadArtifactAction), download: go(downloadArtifactAction) };
}

function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out.sort();
}

test("upload then download: globs, excludes and the LCA root round trip", async (t) => {
  const f = fixture(t, { "dist/app.js": "app", "dist/app.js.map": "map", "dist/lib/util.js": "util", "docs/index.md": "docs", ".env": "secret" });
  const up = await f.upload({ name: "bundle", path: "dist/**/*.js\n!dist/**/*.map\ndocs/" });
  assert.deepEqual(up.warnings, []);
  assert.ok(up.logs.includes("With the provided path, there will be 3 files uploaded"), up.logs.join("\n"));
  assert.equal(up.outputs["artifact-id"], "1");
  assert.match(up.outputs["artifact-digest"] ?? "", /^[0-9a-f]{64}$/);
  const url = up.outputs["artifact-url"] ?? "";
  assert.ok(url.startsWith("file://"));
  assert.deepEqual(listTree(fileURLToPath(url)), ["dist/app.js", "dist/lib/util.js", "docs/index.md"]);
  assert.deepEqual(up.reports, [{ kind: "artifact", name: "bundle", files: 3, bytes: 11, retentionDays: 90 }]);

  const down = await f.download({ name: "bundle", path: "restored" });
  assert.equal(down.outputs["download-path"], join(f.ws, "restored"));
  assert.deepEqual(listTree(join(f.ws, "restored")), ["dist/app.js", "dist/lib/util.js", "docs/index.md"]);
  assert.equal(readFileSync(join(f.ws, "restored", "dist/lib/util.js"), "utf8"), "util");
});

test("hidden files stay out unless include-hidden-files", async (t) => {
  const f = fixture(t, { "out/a.txt": "a", "out/.secret": "s", "out/.git/config": "c" });
  await f.upload({ name: "plain", path: "out" });
  await f.upload({ name: "all", path: "out", "include-hidden-files": "true" });
  await f.download({ path: "got" });
  assert.deepEqual(listTree(join(f.ws, "got")), [".git/config", ".secret", "a.txt"].map((p) => `all/${p}`).concat(["plain/a.txt"]));
});

test("if-no-files-found: warn (default) warns, ignore logs, error fails, with the action's message", async (t) => {
  const f = fixture(t, {});
  const message = "No files were found with the provided path: nothing/here. No artifacts will be uploaded.";
  const warn = await f.upload({ path: "nothing/here" });
  assert.deepEqual(warn.warnings, [message]);
  assert.deepEqual(warn.outputs, {});
  const ignore = await f.upload({ path: "nothing/here", "if-no-files-found": "ignore" });
  assert.deepEqual(ignore.warnings, []);
  assert.ok(ignore.logs.includes(message));
  await assert.rejects(f.upload({ path: "nothing/here", "if-no-files-found": "error" }), (e: Error) => e instanceof BuiltinFailure && e.message === message);
  await assert.rejects(
    f.upload({ path: "x", "if-no-files-found": "maybe" }),
    /Unrecognized if-no-files-found input. Provided: maybe. Available options: warn,error,ignore/,
  );
});

test("overwrite: false fails the second upload of a name with the action's conflict; true replaces it", async (t) => {
  const f = fixture(t, { "a.txt": "one", "b.txt": "two" });
  const first = await f.upload({ name: "out", path: "a.txt" });
  await assert.rejects(f.upload({ name: "out", path: "b.txt" }), /\(409\) Conflict: an artifact with this name already exists on the workflow run/);
  const second = await f.upload({ name: "out", path: "b.txt", overwrite: "true" });
  assert.ok(second.logs.includes(`Artifact 'out' (ID: ${first.outputs["artifact-id"]}) deleted`), second.logs.join("\n"));
  await f.download({ name: "out", path: "got" });
  assert.deepEqual(listTree(join(f.ws, "got")), ["b.txt"]);
  await assert.rejects(f.upload({ name: "out", path: "b.txt", overwrite: "yes" }), /Input does not meet YAML 1.2 "Core Schema" specification: overwrite/);
});

test("retention-days and compression-level are validated as the action does", async (t) => {
  const f = fixture(t, { "a.txt": "a" });
  const long = await f.upload({ name: "long", path: "a.txt", "retention-days": "400" });
  assert.deepEqual(long.warnings, ["Retention days cannot be greater than the maximum allowed retention set within the repository. Using 90 instead."]);
  assert.equal(long.reports[0]?.kind === "artifact" && long.reports[0].retentionDays, 90);
  const zero = await f.upload({ name: "zero", path: "a.txt", "retention-days": "0" });
  assert.equal(zero.reports[0]?.kind === "artifact" && zero.reports[0].retentionDays, 90);
  const week = await f.upload({ name: "week", path: "a.txt", "retention-days": "7", "compression-level": "0" });
  assert.equal(week.reports[0]?.kind === "artifact" && week.reports[0].retentionDays, 7);
  await assert.rejects(f.upload({ name: "x", path: "a.txt", "retention-days": "soon" }), /^Error: Invalid retention-days$/);
  await assert.rejects(f.upload({ name: "x", path: "a.txt", "compression-level": "10" }), /Invalid compression-level. Valid values are 0-9/);
  await assert.rejects(f.upload({ name: "x", path: "a.txt", "compression-level": "max" }), /^Error: Invalid compression-level$/);
});

test("a name with a path separator or .. is refused and nothing lands outside the store", async (t) => {
  const f = fixture(t, { "a.txt": "a" });
  await assert.rejects(
    f.upload({ name: "../../escape", path: "a.txt" }),
    (e: Error) => e instanceof BuiltinFailure && e.message.startsWith("The artifact name is not valid: ../../escape."),
  );
  await assert.rejects(f.upload({ name: "..", path: "a.txt" }), BuiltinFailure);
  assert.ok(!existsSync(join(f.stateDir, "escape")) && !existsSync(join(f.ws, "..", "escape")));
});

test("download of everything: a directory per artifact, or merged; pattern picks by name", async (t) => {
  const f = fixture(t, { "py310/cov.xml": "310", "py311/cov.xml": "311", "docs/x.html": "d" });
  await f.upload({ name: "coverage-3.10", path: "py310/cov.xml" });
  await f.upload({ name: "coverage-3.11", path: "py311/cov.xml" });
  await f.upload({ name: "docs", path: "docs" });

  const all = await f.download({ path: "all" });
  assert.ok(all.logs.includes("An extra directory with the artifact name will be created for each download"));
  assert.ok(all.logs.includes("Total of 3 artifact(s) downloaded"));
  assert.deepEqual(listTree(join(f.ws, "all")), ["coverage-3.10/cov.xml", "coverage-3.11/cov.xml", "docs/x.html"]);

  await f.download({ pattern: "coverage-*", path: "split" });
  assert.deepEqual(listTree(join(f.ws, "split")), ["coverage-3.10/cov.xml", "coverage-3.11/cov.xml"]);

  await f.download({ pattern: "coverage-*", path: "merged", "merge-multiple": "true" });
  assert.deepEqual(listTree(join(f.ws, "merged")), ["cov.xml"]);
  assert.equal(readFileSync(join(f.ws, "merged", "cov.xml"), "utf8"), "311", "later artifacts overwrite earlier ones");

  const none = await f.download({ pattern: "nothing-*", path: "none" });
  assert.ok(none.logs.includes("Total of 0 artifact(s) downloaded"));
});

test("download: a missing name fails; the default path is the workspace; ~ is the home directory", async (t) => {
  const f = fixture(t, { "a.txt": "a" });
  await assert.rejects(
    f.download({ name: "nope" }),
    (e: Error) => e instanceof BuiltinFailure && e.message.startsWith("Unable to download artifact(s): Artifact not found for name: nope"),
  );
  await f.upload({ name: "one", path: "a.txt" });
  rmSync(join(f.ws, "a.txt"));
  const here = await f.download({ name: "one" });
  assert.equal(here.outputs["download-path"], f.ws);
  assert.equal(readFileSync(join(f.ws, "a.txt"), "utf8"), "a");
  const home = join(f.ws, "..", "home");
  const tilde = await f.download({ name: "one", path: "~/dl" }, { env: { HOME: home } });
  assert.equal(tilde.outputs["download-path"], join(home, "dl"));
  assert.ok(existsSync(join(home, "dl", "a.txt")));
});

test("run-id with github-token names a local run by number; anything else fails clearly", async (t) => {
  const f = fixture(t, { "a.txt": "from run 1" });
  await f.upload({ name: "old", path: "a.txt" }, { runNumber: 1 });
  const other = await f.download({ name: "old", path: "got", "github-token": "x", "run-id": "1" }, { runNumber: 2 });
  assert.equal(readFileSync(join(f.ws, "got", "a.txt"), "utf8"), "from run 1");
  assert.ok(other.logs.includes("Total of 1 artifact(s) downloaded"));
  // Without a token GitHub ignores run-id and uses the current run.
  const ignored = await f.download({ path: "none", "run-id": "1" }, { runNumber: 2 });
  assert.ok(ignored.logs.some((l) => l.startsWith("run-id 1 is ignored without github-token")));
  assert.ok(ignored.logs.includes("Total of 0 artifact(s) downloaded"));
  await assert.rejects(f.download({ "github-token": "x", "run-id": "9876543210" }, { runNumber: 2 }), /no local run #9876543210 has artifacts/);
  await assert.rejects(f.download({ "github-token": "x", "run-id": "abc" }, { runNumber: 2 }), /run-id 'abc' is not a run number/);
  await assert.rejects(f.download({ "github-token": "x", repository: "octo/other", "run-id": "1" }, { runNumber: 2 }), /another repository \(octo\/other\)/);
});
