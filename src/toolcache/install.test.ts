import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { hostname, tmpdir } from "node:os";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { sha256, startToolServer, tarball, writeTree, type ToolServer } from "../../test/support/tool-server.js";
import { ChecksumError, IncompleteDownloadError } from "./http.js";
import { ensureTool, singleEntry, type Artifact } from "./install.js";
import { completeMarker, installDir, lockFile, stagingDir, type ToolKey } from "./layout.js";

const work = mkdtempSync(join(tmpdir(), "tierci-toolcache-"));
let server: ToolServer;
let archive: Buffer;
let roots = 0;

before(async () => {
  server = await startToolServer();
  writeTree(join(work, "src"), { "demo-1.2.3/bin/demo": "#!/bin/sh\necho demo 1.2.3\n", "demo-1.2.3/README": "x".repeat(50_000) });
  archive = tarball(join(work, "src"), "demo-1.2.3");
  server.routes.set("/demo.tgz", { body: archive });
});
after(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

const freshRoot = (): string => join(work, `root-${++roots}`);
const key: ToolKey = { tool: "demo", version: "1.2.3", arch: "x64" };
const artifact = (path: string, hex = sha256(archive)): Artifact => ({ url: `${server.url}${path}`, checksum: { algorithm: "sha256", hex } });

function install(root: string, a: Artifact, logs: string[] = []) {
  return ensureTool(root, key, { log: (l) => logs.push(l) }, async (stage) => singleEntry(await stage.unpack(a, "unpacked")));
}

/** Nothing of the version is there: no tree, no marker, no staging directory, no lock. */
function assertNothingInstalled(root: string): void {
  assert.equal(existsSync(installDir(root, key)), false, "no install tree");
  assert.equal(existsSync(completeMarker(root, key)), false, "no marker");
  assert.equal(existsSync(stagingDir(root, key)), false, "no staging directory");
  assert.equal(existsSync(lockFile(root, key)), false, "no lock left");
}

test("a version is downloaded, verified, unpacked and marked complete; the next call finds it", async () => {
  const root = freshRoot();
  const logs: string[] = [];
  const first = await install(root, artifact("/demo.tgz"), logs);
  assert.equal(first.downloaded, true);
  assert.equal(first.dir, join(root, "demo", "1.2.3", "x64"));
  assert.equal(readFileSync(join(first.dir, "bin", "demo"), "utf8"), "#!/bin/sh\necho demo 1.2.3\n");
  assert.ok(existsSync(`${first.dir}.complete`));
  assert.ok(
    logs.some((l) => /sha256 verified/.test(l)),
    logs.join("\n"),
  );
  const second = await install(root, artifact("/never-fetched.tgz"));
  assert.deepEqual(second, { dir: first.dir, downloaded: false });
  assert.equal(server.hits.get("/never-fetched.tgz"), undefined);
});

test("parallel installs of one version download it once", async () => {
  const root = freshRoot();
  server.routes.set("/slow.tgz", { body: archive, delayMs: 300 });
  const results = await Promise.all([1, 2, 3, 4].map(() => install(root, artifact("/slow.tgz"))));
  assert.equal(server.hits.get("/slow.tgz"), 1);
  assert.equal(results.filter((r) => r.downloaded).length, 1);
  assert.equal(new Set(results.map((r) => r.dir)).size, 1);
});

test("a wrong checksum is refused before anything is unpacked, and nothing is left", async () => {
  const root = freshRoot();
  await assert.rejects(
    install(root, artifact("/demo.tgz", "0".repeat(64))),
    (err: Error) => err instanceof ChecksumError && /sha256 of the \d+ bytes received is [0-9a-f]{64}, but the index says 0{64}/.test(err.message),
  );
  assertNothingInstalled(root);
});

test("a download cut short is refused, and nothing is left half-installed", async () => {
  const root = freshRoot();
  server.routes.set("/cut.tgz", { body: archive, truncateAt: Math.floor(archive.length / 2) });
  await assert.rejects(install(root, artifact("/cut.tgz")), (err: Error) => err instanceof IncompleteDownloadError || err instanceof ChecksumError);
  assertNothingInstalled(root);
  // The version installs cleanly afterwards.
  assert.equal((await install(root, artifact("/demo.tgz"))).downloaded, true);
});

test("what a crashed install left (a tree without its marker, a staging directory, a dead owner's lock) is replaced", async () => {
  const root = freshRoot();
  writeTree(installDir(root, key), { "bin/demo": "half" });
  writeTree(stagingDir(root, key), { "junk/file": "junk" });
  const dead = spawnSync(process.execPath, ["-e", "0"]);
  assert.equal(dead.status, 0);
  mkdirSync(join(root, ".locks"), { recursive: true });
  writeFileSync(lockFile(root, key), JSON.stringify({ pid: dead.pid, host: hostname(), startTime: 1 }));
  const r = await install(root, artifact("/demo.tgz"));
  assert.equal(r.downloaded, true);
  assert.equal(readFileSync(join(r.dir, "bin", "demo"), "utf8"), "#!/bin/sh\necho demo 1.2.3\n");
  assert.deepEqual(readdirSync(join(root, ".locks")), []);
});

test("two processes installing the same version download it once", async () => {
  const root = freshRoot();
  server.routes.set("/cross.tgz", { body: archive, delayMs: 500 });
  const module = fileURLToPath(new URL("./install.js", import.meta.url));
  const script = `
    import { ensureTool, singleEntry } from ${JSON.stringify(module)};
    const r = await ensureTool(${JSON.stringify(root)}, ${JSON.stringify(key)}, { log() {} },
      async (s) => singleEntry(await s.unpack(${JSON.stringify(artifact("/cross.tgz"))}, "u")));
    process.stdout.write(JSON.stringify(r));`;
  const child = () =>
    new Promise<{ dir: string; downloaded: boolean }>((resolve, reject) => {
      const p = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      p.stdout.on("data", (d: Buffer) => (out += d.toString()));
      p.on("close", (code) => (code === 0 ? resolve(JSON.parse(out) as { dir: string; downloaded: boolean }) : reject(new Error(`child exited ${code}`))));
    });
  const results = await Promise.all([child(), child(), child()]);
  assert.equal(server.hits.get("/cross.tgz"), 1);
  assert.equal(results.filter((r) => r.downloaded).length, 1);
});
