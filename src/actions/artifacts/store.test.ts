import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { extractArtifact } from "./extract.js";
import { ArtifactError, CONFLICT_MESSAGE, listArtifacts, readManifest, saveArtifact, sweepExpired, validateArtifactName, type NewArtifact } from "./store.js";

const DAY = 24 * 60 * 60 * 1000;

function temp(t: TestContext): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "tierci-artifacts-")));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function sources(dir: string, files: Record<string, string>): { source: string; path: string }[] {
  return Object.entries(files).map(([path, text]) => {
    const source = join(dir, "src", path);
    mkdirSync(join(source, ".."), { recursive: true });
    writeFileSync(source, text);
    return { source, path };
  });
}

function spec(dir: string, over: Partial<NewArtifact> = {}): NewArtifact {
  const run = over.run ?? 1;
  return {
    stateDir: join(dir, "state"),
    run,
    runId: String(run),
    repoRoot: "/repo",
    job: "build",
    name: "dist",
    files: sources(dir, { "a.txt": "a", "sub/b.txt": "bb" }),
    retentionDays: 90,
    compressionLevel: 6,
    overwrite: false,
    ...over,
  };
}

test("a saved artifact lists with its manifest and extracts to the same files", async (t) => {
  const dir = temp(t);
  const { manifest } = await saveArtifact(spec(dir));
  assert.equal(manifest.name, "dist");
  assert.equal(manifest.size, 3);
  assert.deepEqual(
    manifest.files.map((f) => [f.path, f.size]),
    [
      ["a.txt", 1],
      ["sub/b.txt", 2],
    ],
  );
  assert.match(manifest.digest, /^[0-9a-f]{64}$/);
  assert.equal(Date.parse(manifest.expires) - Date.parse(manifest.created), 90 * DAY);
  const stored = join(dir, "state", "artifacts", "1", "dist");
  assert.equal(readFileSync(join(stored, "files", "sub", "b.txt"), "utf8"), "bb");
  assert.deepEqual(await readManifest(stored), manifest);

  const [listed] = await listArtifacts(join(dir, "state"), "1");
  assert.deepEqual(listed, manifest);
  const out = join(dir, "out");
  const result = await extractArtifact(join(dir, "state"), manifest, out);
  assert.deepEqual(result, { files: 2, bytes: 3, mismatched: [] });
  assert.equal(readFileSync(join(out, "sub", "b.txt"), "utf8"), "bb");
  assert.equal(statSync(join(out, "a.txt")).mode & 0o111, 0, "files come back without execute bits, as from GitHub's zip");
});

test("the same name twice in a run is a conflict unless overwrite; overwrite replaces it", async (t) => {
  const dir = temp(t);
  const first = await saveArtifact(spec(dir));
  await assert.rejects(saveArtifact(spec(dir)), (e: Error) => e instanceof ArtifactError && e.message === CONFLICT_MESSAGE);
  const second = await saveArtifact(spec(dir, { overwrite: true, files: sources(dir, { "new.txt": "n" }) }));
  assert.equal(second.replaced?.id, first.manifest.id);
  assert.ok(second.manifest.id > first.manifest.id);
  const listed = await listArtifacts(join(dir, "state"), "1");
  assert.deepEqual(
    listed.map((a) => a.files.map((f) => f.path)),
    [["new.txt"]],
  );
  // Another run may use the name freely.
  await saveArtifact(spec(dir, { run: 2 }));
  assert.equal((await listArtifacts(join(dir, "state"), "2")).length, 1);
});

test("concurrent uploads of one name: exactly one wins without overwrite", async (t) => {
  const dir = temp(t);
  const results = await Promise.allSettled(Array.from({ length: 6 }, () => saveArtifact(spec(dir))));
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
  for (const r of results) if (r.status === "rejected") assert.equal((r.reason as Error).message, CONFLICT_MESSAGE);
  const ids = await Promise.all(Array.from({ length: 5 }, (_, i) => saveArtifact(spec(dir, { name: `n${i}` }))));
  assert.equal(new Set(ids.map((s) => s.manifest.id)).size, 5, "ids are unique");
});

test("uploads of several runs go on while sweeps remove emptied run directories", async (t) => {
  const dir = temp(t);
  const state = join(dir, "state");
  const work: Promise<unknown>[] = [];
  for (let run = 1; run <= 8; run++) {
    work.push(saveArtifact(spec(dir, { run, name: "a" })), sweepExpired(state), saveArtifact(spec(dir, { run, name: "b" })), sweepExpired(state));
  }
  await Promise.all(work);
  for (let run = 1; run <= 8; run++) assert.deepEqual((await listArtifacts(state, String(run))).map((a) => a.name).sort(), ["a", "b"]);
});

test("expired artifacts are swept on list and save; the others stay", async (t) => {
  const dir = temp(t);
  const state = join(dir, "state");
  const now = Date.now();
  await saveArtifact(spec(dir, { name: "short", retentionDays: 1, now: now - 2 * DAY }));
  await saveArtifact(spec(dir, { name: "long", retentionDays: 90, now: now - 2 * DAY }));
  await saveArtifact(spec(dir, { name: "old-run", run: 7, retentionDays: 1, now: now - 3 * DAY }));
  assert.deepEqual(
    (await listArtifacts(state, String(1))).map((a) => a.name),
    ["long"],
  );
  assert.ok(!existsSync(join(state, "artifacts", "1", "short")));
  assert.ok(!existsSync(join(state, "artifacts", "7")), "an emptied run directory goes too");
  // A fake clock in the future expires the rest.
  const removed = await sweepExpired(state, now + 100 * DAY);
  assert.deepEqual(
    removed.map((a) => a.name),
    ["long"],
  );
  assert.deepEqual(
    readdirSync(join(state, "artifacts")).filter((n) => !n.startsWith(".")),
    [],
  );
  assert.ok(readdirSync(join(state, "artifacts", ".ids")).length <= 1, "only the highest id is kept");
});

test("names the artifact client refuses, and . or .., are refused with its message", async (t) => {
  const dir = temp(t);
  for (const name of ["../escape", "a/b", "a\\b", "a:b", "what?", "line\nfeed", "..", "."]) {
    await assert.rejects(saveArtifact(spec(dir, { name })), ArtifactError, name);
  }
  assert.throws(() => validateArtifactName("a/b"), /^Error: The artifact name is not valid: a\/b\. Contains the following character: {2}Forward slash \//);
  assert.throws(() => validateArtifactName(""), /Provided artifact name input during validation is empty/);
  assert.doesNotThrow(() => validateArtifactName("coverage-3.11..final"));
  assert.ok(!existsSync(join(dir, "escape")));
});

test("file paths with characters the client refuses fail the upload", async (t) => {
  const dir = temp(t);
  await assert.rejects(
    saveArtifact(spec(dir, { files: sources(dir, { "what?.txt": "x" }) })),
    /The path for one of the files in artifact is not valid: \/what\?\.txt/,
  );
});

test("a manifest whose entries lead outside the target is refused before anything is written", async (t) => {
  const dir = temp(t);
  const state = join(dir, "state");
  const { manifest } = await saveArtifact(spec(dir));
  const out = join(dir, "out");
  for (const path of ["../escaped.txt", "/etc/passwd-copy", "sub/../../escaped.txt", "a/./b", ""]) {
    const evil = { ...manifest, files: [...manifest.files, { path, size: 1, sha256: "0".repeat(64) }] };
    await assert.rejects(extractArtifact(state, evil, out), (e: Error) => e instanceof ArtifactError && e.message.includes("leads outside"), path);
  }
  assert.ok(!existsSync(out), "nothing was extracted");
  assert.ok(!existsSync(join(dir, "escaped.txt")));
});

test("a tampered manifest on disk is refused on download; a damaged file is reported", async (t) => {
  const dir = temp(t);
  const state = join(dir, "state");
  await saveArtifact(spec(dir));
  const stored = join(state, "artifacts", "1", "dist");
  const manifest = JSON.parse(readFileSync(join(stored, "manifest.json"), "utf8"));
  manifest.files[0].path = "../../../../pwned.txt";
  writeFileSync(join(stored, "manifest.json"), JSON.stringify(manifest));
  const [listed] = await listArtifacts(state, String(1));
  assert.ok(listed);
  await assert.rejects(extractArtifact(state, listed, join(dir, "out")), /leads outside/);

  await saveArtifact(spec(dir, { name: "changed" }));
  writeFileSync(join(state, "artifacts", "1", "changed", "files", "a.txt"), "tampered");
  const changed = (await listArtifacts(state, String(1))).find((a) => a.name === "changed");
  assert.ok(changed);
  assert.deepEqual((await extractArtifact(state, changed, join(dir, "out2"))).mismatched, ["a.txt"]);
});

test("extraction does not write through a symbolic link in the target that leads outside it", async (t) => {
  const dir = temp(t);
  const state = join(dir, "state");
  const { manifest } = await saveArtifact(spec(dir));
  const out = join(dir, "out");
  mkdirSync(join(dir, "elsewhere"));
  mkdirSync(out);
  symlinkSync(join(dir, "elsewhere"), join(out, "sub"));
  await assert.rejects(extractArtifact(state, manifest, out), /symbolic link that leads outside/);
  assert.deepEqual(readdirSync(join(dir, "elsewhere")), []);
});

test("a symbolic link out of the target is refused before anything is created, through it or beside it", async (t) => {
  const dir = temp(t);
  const state = join(dir, "state");
  const { manifest } = await saveArtifact(spec(dir, { files: sources(dir, { "a.txt": "a", "sub/deep/er/c.txt": "c" }) }));
  const out = join(dir, "out");
  mkdirSync(join(dir, "elsewhere"));
  mkdirSync(out);
  symlinkSync(join(dir, "elsewhere"), join(out, "sub"));
  await assert.rejects(extractArtifact(state, manifest, out), /symbolic link that leads outside/);
  assert.deepEqual(readdirSync(join(dir, "elsewhere")), [], "no directory was created outside the target");
  assert.deepEqual(readdirSync(out), ["sub"], "nothing was extracted");
});

test("a symbolic link that stays inside the target is followed", async (t) => {
  const dir = temp(t);
  const state = join(dir, "state");
  const { manifest } = await saveArtifact(spec(dir));
  const out = join(dir, "out");
  mkdirSync(join(out, "real"), { recursive: true });
  symlinkSync(join(out, "real"), join(out, "sub"));
  await extractArtifact(state, manifest, out);
  assert.equal(readFileSync(join(out, "real", "b.txt"), "utf8"), "bb");
});
