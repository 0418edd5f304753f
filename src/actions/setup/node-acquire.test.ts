// setup-node downloading from a dist site and from a package registry on 127.0.0.1, with the
// official index formats and real tarballs of a tiny stand-in `node` that answers as a release would.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fakeJob, type FakeJob } from "../../../test/support/fake-builtin-run.js";
import { sha256, sha512Integrity, startToolServer, tarball, writeTree, type ToolServer } from "../../../test/support/tool-server.js";
import { BuiltinFailure } from "../builtin-types.js";
import { ltsCodename, npmFor } from "./node-releases.js";
import { setupNodeAction } from "./setup-node.js";

const root = mkdtempSync(join(tmpdir(), "tierci-node-acquire-"));
const platform = `${process.platform}-${process.arch}`;
let server: ToolServer;

/** A Node.js release tree whose node answers --version and setup-node's probe. */
function fakeNode(version: string, top: string): Buffer {
  const src = join(root, "src", `${top}-${version}`);
  writeTree(src, {
    [`${top}/bin/node`]: `#!/bin/sh\ncase "$1" in --version) echo v${version} ;; *) printf '["v${version}","","${process.arch}"]' ;; esac\n`,
    [`${top}/include/node/node_version.h`]: `#define NODE_VERSION "v${version}"\n`,
  });
  return tarball(src, top);
}

function distFile(version: string): string {
  return `node-v${version}-${process.platform}-${process.arch}.tar.gz`;
}

/** A dist site under `prefix`: index.json, and per version a tarball and SHASUMS256.txt. */
function distSite(prefix: string, releases: { version: string; lts: string | false; sums?: string }[]): void {
  server.routes.set(`${prefix}/dist/index.json`, {
    body: JSON.stringify(releases.map((r) => ({ version: `v${r.version}`, lts: r.lts, files: [platform.replace("darwin", "osx"), "src"] }))),
  });
  for (const r of releases) {
    const data = fakeNode(r.version, `node-v${r.version}-${platform}`);
    server.routes.set(`${prefix}/dist/v${r.version}/${distFile(r.version)}`, { body: data });
    server.routes.set(`${prefix}/dist/v${r.version}/SHASUMS256.txt`, {
      body: `${"1".repeat(64)}  node-v${r.version}.tar.gz\n${r.sums ?? sha256(data)}  ${distFile(r.version)}\n`,
    });
  }
}

before(async () => {
  server = await startToolServer();
  distSite("/good", [
    { version: "99.1.0", lts: false },
    { version: "98.5.0", lts: "Testium" },
    { version: "98.4.0", lts: "Testium" },
  ]);
  distSite("/badsum", [{ version: "99.1.0", lts: false, sums: "0".repeat(64) }]);
  distSite("/cut", [{ version: "99.1.0", lts: false }]);
  const cut = server.routes.get(`/cut/dist/v99.1.0/${distFile("99.1.0")}`);
  if (cut) cut.truncateAt = Math.floor((cut.body as Buffer).length / 2);
  // The registry: node-<platform>-<arch> packages (package/bin/node) and npm.
  const registryNode = fakeNode("97.0.0", "package");
  const npmTree = join(root, "src", "npm");
  writeTree(npmTree, {
    "package/bin/npm-cli.js": "#!/usr/bin/env node\n",
    "package/bin/npx-cli.js": "#!/usr/bin/env node\n",
    "package/package.json": '{"name":"npm"}',
  });
  const npmTarball = tarball(npmTree, "package");
  server.routes.set(`/registry/node-${platform}`, {
    body: JSON.stringify({
      versions: {
        "97.0.0": { dist: { tarball: `${server.url}/registry/node.tgz`, integrity: sha512Integrity(registryNode) } },
        "96.0.0": { dist: { tarball: `${server.url}/registry/node.tgz`, integrity: sha512Integrity(Buffer.from("something else")) } },
      },
    }),
  });
  server.routes.set("/registry/node.tgz", { body: registryNode });
  server.routes.set("/registry/npm", {
    body: JSON.stringify({
      versions: {
        "50.0.0": { engines: { node: ">=97" }, dist: { tarball: `${server.url}/registry/npm.tgz`, integrity: sha512Integrity(npmTarball) } },
        "51.0.0": { engines: { node: ">=98" }, dist: { tarball: `${server.url}/registry/npm.tgz`, integrity: sha512Integrity(npmTarball) } },
        "50.1.0-pre": { engines: { node: ">=97" }, dist: { tarball: "x", integrity: "x" } },
      },
    }),
  });
  server.routes.set("/registry/npm.tgz", { body: npmTarball });
  process.env["npm_config_registry"] = `${server.url}/registry/`;
});
after(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

function job(inputs: Record<string, string>, toolCache: string, env: Record<string, string> = {}): FakeJob {
  return fakeJob(setupNodeAction, { root, toolCache, inputs, env });
}

const downloads = (path: string): number => server.hits.get(path) ?? 0;

test("a version no installation has is downloaded from the dist site, verified, and found in the tool cache next time", async () => {
  const cache = join(root, "cache-dist");
  const first = job({ "node-version": "99", mirror: `${server.url}/good` }, cache);
  await setupNodeAction.main(first.run);
  assert.equal(first.run.outputs["node-version"], "v99.1.0");
  assert.ok(first.run.logs.includes(`Downloading ${server.url}/good/dist/v99.1.0/${distFile("99.1.0")}`), first.run.logs.join("\n"));
  assert.ok(existsSync(join(cache, "node", "99.1.0", process.arch, "bin", "node")));
  assert.ok(existsSync(join(cache, "node", "99.1.0", `${process.arch}.complete`)));
  const second = job({ "node-version": "99.x", mirror: `${server.url}/good` }, cache);
  await setupNodeAction.main(second.run);
  assert.equal(second.run.outputs["node-version"], "v99.1.0");
  assert.equal(downloads(`/good/dist/v99.1.0/${distFile("99.1.0")}`), 1, "downloaded once");
  assert.equal(downloads("/good/dist/index.json"), 1, "a version the tool cache satisfies needs no index");
});

test("LTS aliases and check-latest are answered by the index, as setup-node does", async () => {
  const cache = join(root, "cache-lts");
  const lts = job({ "node-version": "lts/testium", mirror: `${server.url}/good` }, cache);
  await setupNodeAction.main(lts.run);
  assert.equal(lts.run.outputs["node-version"], "v98.5.0");
  const star = job({ "node-version": "lts/*", mirror: `${server.url}/good` }, cache);
  await setupNodeAction.main(star.run);
  assert.equal(star.run.outputs["node-version"], "v98.5.0");
  assert.ok(star.run.logs.includes(`Resolved 'lts/*' as 98.5.0 from ${server.url}/good/dist/index.json`), star.run.logs.join("\n"));
  const pinned = job({ "node-version": ">=98.4 <99", mirror: `${server.url}/good` }, cache);
  await setupNodeAction.main(pinned.run);
  assert.equal(pinned.run.outputs["node-version"], "v98.5.0", "the cached 98.5.0 satisfies the range");
  const missing = job({ "node-version": "lts/nope", mirror: `${server.url}/good` }, cache);
  await assert.rejects(setupNodeAction.main(missing.run), /Unable to find Node version 'lts\/nope' for platform/);
});

test("a checksum that does not match refuses the download, and nothing is installed", async () => {
  const cache = join(root, "cache-badsum");
  const j = job({ "node-version": "99.1.0", mirror: `${server.url}/badsum` }, cache);
  await assert.rejects(
    setupNodeAction.main(j.run),
    (err: Error) =>
      err instanceof BuiltinFailure &&
      /^Node\.js 99\.1\.0 could not be installed: .*sha256 of the \d+ bytes received is [0-9a-f]{64}, but the index says 0{64}; the download was refused$/.test(
        err.message,
      ),
  );
  assert.equal(existsSync(join(cache, "node", "99.1.0")), false);
});

test("a download cut short is refused, and nothing is left half-installed", async () => {
  const cache = join(root, "cache-cut");
  const j = job({ "node-version": "99.1.0", mirror: `${server.url}/cut` }, cache);
  await assert.rejects(setupNodeAction.main(j.run), /Node\.js 99\.1\.0 could not be installed: .*(broke off|refused)/);
  assert.equal(existsSync(join(cache, "node", "99.1.0")), false);
  assert.equal(existsSync(join(cache, ".staging", `node-99.1.0-${process.arch}`)), false);
});

test("with the dist site unreachable, the registry's node package and a fitting npm are installed", async () => {
  const cache = join(root, "cache-registry");
  const j = job({ "node-version": "97" }, cache, { TIERCI_NODE_MIRROR: "http://127.0.0.1:1" });
  await setupNodeAction.main(j.run);
  assert.equal(j.run.outputs["node-version"], "v97.0.0");
  assert.ok(
    j.run.logs.some(
      (l) => l.startsWith("could not reach http://127.0.0.1:1/dist/index.json: ") && l.endsWith(`; trying ${server.url}/registry/node-${platform}`),
    ),
    j.run.logs.join("\n"),
  );
  assert.ok(j.run.logs.includes("Adding npm 50.0.0, the newest release that supports Node.js 97.0.0 (the registry's Node.js packages come without npm)"));
  const bin = join(cache, "node", "97.0.0", process.arch, "bin");
  assert.equal(readlinkSync(join(bin, "npm")), "../lib/node_modules/npm/bin/npm-cli.js");
  assert.ok(existsSync(join(bin, "npm")), "the npm link resolves");
  assert.ok(existsSync(join(j.paths[0] ?? "", "npm")), "the job's bin directory links npm too");
});

test("credentials in a mirror's URL never reach the log or the error", async () => {
  const j = job({ "node-version": "97" }, join(root, "cache-secret"), { TIERCI_NODE_MIRROR: "http://user:s3cret-token@127.0.0.1:1" });
  await setupNodeAction.main(j.run);
  assert.equal(j.run.outputs["node-version"], "v97.0.0");
  assert.ok(
    j.run.logs.some((l) => l.includes("http://***@127.0.0.1:1/dist/index.json")),
    j.run.logs.join("\n"),
  );
  assert.equal([...j.run.logs, ...j.run.warnings].filter((l) => l.includes("s3cret")).length, 0);
  const off = job({ "node-version": "4" }, join(root, "cache-secret"), { TIERCI_NODE_MIRROR: "http://user:s3cret-token@127.0.0.1:1" });
  Object.assign(off.run, { offline: true });
  await assert.rejects(
    setupNodeAction.main(off.run),
    (err: Error) => err.message.includes("http://***@127.0.0.1:1/dist/index.json") && !err.message.includes("s3cret"),
  );
});

test("a registry tarball whose integrity does not match is refused", async () => {
  const cache = join(root, "cache-registry-bad");
  const j = job({ "node-version": "96.0.0" }, cache, { TIERCI_NODE_MIRROR: "http://127.0.0.1:1" });
  await assert.rejects(
    setupNodeAction.main(j.run),
    /Node\.js 96\.0\.0 could not be installed: .*sha512 of the \d+ bytes received is [0-9a-f]{128}, but the index says/,
  );
  assert.equal(existsSync(join(cache, "node", "96.0.0")), false);
});

test("a registry's LTS lines follow Node's schedule; npm is the newest release whose engines admit the version", () => {
  const majors = new Set([18, 19, 20, 21, 22, 23, 24, 25, 26]);
  const before = new Date(Date.UTC(2026, 5, 1));
  const after = new Date(Date.UTC(2026, 11, 1));
  assert.deepEqual(
    [18, 19, 22, 24, 26].map((m) => ltsCodename(m, majors, before)),
    ["hydrogen", "", "jod", "krypton", ""],
  );
  assert.equal(ltsCodename(26, majors, after), "v26");
  assert.equal(ltsCodename(26, new Set([...majors, 27]), before), "v26", "a successor major shows the line went LTS");
  const npm = {
    versions: {
      "8.19.4": { engines: { node: "^12.13.0 || ^14.15.0 || >=16.0.0" } },
      "10.9.0": { engines: { node: "^18.17.0 || >=20.5.0" } },
      "11.0.0-pre.1": { engines: { node: ">=20" } },
      "9.9.9": { engines: { node: ">=14" }, deprecated: "no" },
    },
  };
  assert.equal(npmFor("12.22.12", npm), "8.19.4");
  assert.equal(npmFor("22.11.0", npm), "10.9.0");
  assert.equal(npmFor("0.10.0", npm), undefined);
});
