// setup-go against a go.dev-style site on 127.0.0.1 (see test/support/tool-sites.ts): the
// release list and real tarballs of a stand-in `go` that answers `go version` and `go env`.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fakeJob, type FakeJob } from "../../../test/support/fake-builtin-run.js";
import { serveGo } from "../../../test/support/tool-sites.js";
import { startToolServer, type ToolServer } from "../../../test/support/tool-server.js";
import { BuiltinFailure } from "../builtin-types.js";
import { goArch, goSemver, goVersionFromFile, resolveGoAlias, type GoRelease } from "./go-versions.js";
import { setupGoAction } from "./setup-go.js";

const root = mkdtempSync(join(tmpdir(), "tierci-setup-go-"));
const platform = `${process.platform}-${goArch(process.arch)}`;
let server: ToolServer;

before(async () => {
  server = await startToolServer();
  serveGo(server, "/go", root, [{ version: "1.100rc1", stable: false }, { version: "1.99.1" }, { version: "1.99.0" }, { version: "1.98.3" }]);
  serveGo(server, "/go-bad", root, [{ version: "1.99.1", sum: "0".repeat(64) }]);
  serveGo(server, "/go-cut", root, [{ version: "1.99.1", truncate: true }]);
});
after(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

function job(inputs: Record<string, string>, cache: string, files: Record<string, string> = {}, offline = false): FakeJob {
  return fakeJob(setupGoAction, { root, toolCache: cache, inputs, files, offline });
}

const archive = (prefix: string, version: string) => `${prefix}/go${version}.${platform}.tar.gz`;

test("a Go no installation has is downloaded from the release list, verified, and found in the tool cache next time", async () => {
  const cache = join(root, "cache-a");
  const j = job({ "go-version": "1.99", "go-download-base-url": `${server.url}/go`, cache: "false" }, cache);
  await setupGoAction.main(j.run);
  assert.equal(j.run.outputs["go-version"], "1.99.1");
  assert.deepEqual(j.paths, [join(cache, "go", "1.99.1", process.arch, "bin"), join(j.run.env["HOME"] ?? "", "go", "bin")]);
  assert.equal(j.exported["GOTOOLCHAIN"], "local");
  assert.equal(j.exported["GOROOT"], undefined, "GOROOT only for Go before 1.9");
  assert.ok(existsSync(join(cache, "go", "1.99.1", `${process.arch}.complete`)));
  const again = job({ "go-version": "^1.99.0", "go-download-base-url": `${server.url}/go`, cache: "false" }, cache);
  await setupGoAction.main(again.run);
  assert.equal(again.run.outputs["go-version"], "1.99.1");
  assert.equal(server.hits.get(archive("/go", "1.99.1")), 1);
});

test("stable and oldstable come from the list; go.mod's toolchain directive wins over its go directive", async () => {
  const cache = join(root, "cache-b");
  const stable = job({ "go-version": "stable", "go-download-base-url": `${server.url}/go`, cache: "false" }, cache);
  await setupGoAction.main(stable.run);
  assert.equal(stable.run.outputs["go-version"], "1.99.1");
  assert.ok(stable.run.logs.includes("stable version resolved as 1.99.1"));
  const old = job({ "go-version": "oldstable", "go-download-base-url": `${server.url}/go`, cache: "false" }, cache);
  await setupGoAction.main(old.run);
  assert.equal(old.run.outputs["go-version"], "1.98.3");
  const mod = job({ "go-version-file": "go.mod", "go-download-base-url": `${server.url}/go`, cache: "false" }, cache, {
    "go.mod": "module x\n\ngo 1.98\n\ntoolchain go1.99.0\n",
  });
  await setupGoAction.main(mod.run);
  assert.equal(mod.run.outputs["go-version"], "1.99.0");
});

test("a wrong checksum or a broken download is refused, and nothing is installed", async () => {
  for (const site of ["/go-bad", "/go-cut"]) {
    const cache = join(root, `cache${site}`);
    const j = job({ "go-version": "1.99.1", "go-download-base-url": `${server.url}${site}`, cache: "false" }, cache);
    await assert.rejects(
      setupGoAction.main(j.run),
      (err: Error) =>
        err instanceof BuiltinFailure &&
        /^Go 1\.99\.1 could not be installed: .*(but the index says 0{64}; the download was refused|broke off after \d+ bytes)/.test(err.message),
    );
    assert.equal(existsSync(join(cache, "go", "1.99.1")), false, site);
  }
});

test("offline, a Go that is not installed fails naming the URL that would get it", async () => {
  const j = job({ "go-version": "1.99.1", "go-download-base-url": `${server.url}/go`, cache: "false" }, join(root, "cache-off"), {}, true);
  await assert.rejects(
    setupGoAction.main(j.run),
    (err: Error) =>
      err instanceof BuiltinFailure &&
      err.message.startsWith(`Go 1.99.1 (${process.arch}) is not installed on this machine (installed: `) &&
      err.message.includes(`--offline forbids downloading it. Run without --offline to download it from ${server.url}/go/?mode=json&include=all`),
  );
});

test("cache: the module and build caches are keyed on go.mod and restored from the job's HOME", async () => {
  const cache = join(root, "cache-c");
  const j = job({ "go-version": "1.99", "go-download-base-url": `${server.url}/go` }, cache, { "go.mod": "module x\n\ngo 1.99\n" });
  const state: Record<string, string> = {};
  j.run.saveState = (k, v) => (state[k] = v);
  await setupGoAction.main(j.run);
  assert.equal(j.run.outputs["cache-hit"], "false");
  assert.match(state["CACHE_KEY"] ?? "", new RegExp(`^setup-go-Linux-${process.arch}-undefined-go-1\\.99\\.1-[0-9a-f]{64}$`));
  assert.deepEqual(JSON.parse(state["CACHE_PATHS"] ?? "[]"), ["~/go/pkg/mod", "~/.cache/go-build"]);
  const missing = job({ "go-version": "1.99", "go-download-base-url": `${server.url}/go` }, cache);
  await setupGoAction.main(missing.run);
  assert.match(missing.run.warnings.join("\n"), /Restore cache failed: Dependencies file is not found in .*Supported file pattern: go\.mod/);
});

test("Go version names, files and aliases", () => {
  assert.deepEqual(["go1.21", "1.21.3", "1.21rc2", "1.8.5beta1", "go1.22.0", "x"].map(goSemver), [
    "1.21.0",
    "1.21.3",
    "1.21.0-rc.2",
    "1.8.5-beta.1",
    "1.22.0",
    null,
  ]);
  const file = (name: string, text: string) => {
    const path = join(root, "files", name);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  assert.equal(goVersionFromFile(file("go.mod", "module m\ngo 1.21\ntoolchain go1.22.1\n"), undefined), "1.22.1");
  assert.equal(goVersionFromFile(file("go.mod", "module m\ngo 1.21\ntoolchain go1.22.1\n"), "local"), "1.21");
  assert.equal(goVersionFromFile(file(".tool-versions", "nodejs 20\ngolang 1.22.3\n"), undefined), "1.22.3");
  assert.equal(goVersionFromFile(file(".go-version", "1.22\n"), undefined), "1.22");
  const releases: GoRelease[] = ["go1.23rc1", "go1.22.2", "go1.22.1", "go1.21.9"].map((version) => ({
    version,
    stable: !version.includes("rc"),
    files: [{ filename: "f", os: "linux", arch: "amd64" }],
  }));
  assert.equal(resolveGoAlias("stable", releases, "linux", "x64"), "1.22.2");
  assert.equal(resolveGoAlias("oldstable", releases, "linux", "x64"), "1.21.9");
});
