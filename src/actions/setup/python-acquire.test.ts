// setup-python installing CPython (python-build-standalone's layout and SHA256SUMS) and PyPy
// (versions.json and the checksum page) from a site on 127.0.0.1, with archives built here:
// a real interpreter of this machine made relocatable, and a stand-in PyPy tree.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fakeRun } from "../../../test/support/fake-builtin-run.js";
import { relocatablePython, writePythonTree, type PythonSource } from "../../../test/support/python-tree.js";
import { sha256, startToolServer, tarball, writeTree, type ToolServer } from "../../../test/support/tool-server.js";
import { servePythonRelease } from "../../../test/support/tool-sites.js";
import { BuiltinFailure } from "../builtin-types.js";
import { acquirePython } from "./python-acquire.js";
import { cachedPythons } from "./python-interpreters.js";
import { releaseBuilds, standaloneTriple, toolCacheVersion } from "./python-releases.js";
import { pythonRequest } from "./python-versions.js";
import { acquirePyPy, findPyPyRelease, parsePyPyVersion, pypyChecksums } from "./pypy.js";
import { setupPythonAction } from "./setup-python.js";

const root = mkdtempSync(join(tmpdir(), "tierci-python-acquire-"));
const TAG = "20991231";
const triple = standaloneTriple(process.platform, process.arch) ?? "none";
let server: ToolServer;
let source: PythonSource | undefined;
let caches = 0;

before(async () => {
  server = await startToolServer();
  source = await relocatablePython();
  if (source) {
    writePythonTree(source, join(root, "src"));
    const archive = tarball(join(root, "src"), "python");
    const release = { tag: TAG, triple, version: source.version, archive };
    servePythonRelease(server, "/pbs", release);
    servePythonRelease(server, "/pbs-bad", { ...release, sum: "0".repeat(64) });
    servePythonRelease(server, "/pbs-cut", { ...release, truncate: true });
  }
  writeTree(join(root, "pypy-src"), { "pypy3.10-v7.3.99-linux64/bin/pypy3": "#!/bin/sh\necho pypy\n", "pypy3.10-v7.3.99-linux64/lib/README": "pypy" });
  const pypy = tarball(join(root, "pypy-src"), "pypy3.10-v7.3.99-linux64");
  const files = [
    {
      filename: "pypy3.10-v7.3.99-linux64.tar.bz2",
      arch: process.arch === "arm64" ? "aarch64" : process.arch,
      platform: process.platform,
      download_url: "https://unused.invalid/x",
    },
  ];
  server.routes.set("/pypy/versions.json", { body: JSON.stringify([{ pypy_version: "7.3.99", python_version: "3.10.14", stable: true, files }]) });
  server.routes.set("/pypy/pypy3.10-v7.3.99-linux64.tar.bz2", { body: pypy });
  server.routes.set("/pypy/checksums.html", { body: `<pre class="literal-block">\n${sha256(pypy)}  pypy3.10-v7.3.99-linux64.tar.bz2\n</pre>` });
  server.routes.set("/pypy-bad/versions.json", server.routes.get("/pypy/versions.json") ?? { body: "" });
  server.routes.set("/pypy-bad/pypy3.10-v7.3.99-linux64.tar.bz2", { body: pypy });
  server.routes.set("/pypy-bad/checksums.html", { body: `${"f".repeat(64)}  pypy3.10-v7.3.99-linux64.tar.bz2` });
});
after(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

function run(env: Record<string, string>, offline = false) {
  const cache = join(root, `cache-${++caches}`);
  const r = fakeRun(setupPythonAction, { workspace: root, stateDir: join(root, "state"), env: { RUNNER_TOOL_CACHE: cache, ...env }, offline });
  return { run: r, cache };
}

test("a CPython no installation has is installed from the release, verified, and found in the tool cache next time", async (t) => {
  if (!source) return t.skip("no CPython with a standard prefix layout on this machine");
  const { run: r, cache } = run({ TIERCI_PYTHON_MIRROR: `${server.url}/pbs` });
  const minor = source.minor;
  const python = await acquirePython(r, { request: pythonRequest(minor, false, false), arch: process.arch, checkLatest: false }, []);
  assert.equal(python.version, source.version);
  assert.equal(python.source, "tool cache");
  assert.equal(python.prefix, join(cache, "Python", source.version, process.arch));
  assert.ok(
    r.logs.includes(`Downloading ${server.url}/pbs/${TAG}/cpython-${source.version}%2B${TAG}-${triple}-install_only_stripped.tar.gz`),
    r.logs.join("\n"),
  );
  const again = await acquirePython(
    r,
    { request: pythonRequest(minor, false, false), arch: process.arch, checkLatest: false },
    await cachedPythons(cache, process.arch),
  );
  assert.equal(again.executable, python.executable);
  assert.equal(server.hits.get(`/pbs/${TAG}/cpython-${source.version}+${TAG}-${triple}-install_only_stripped.tar.gz`), 1);
});

test("a wrong checksum or a broken download of CPython is refused, and nothing is installed", async (t) => {
  if (!source) return t.skip("no CPython with a standard prefix layout on this machine");
  for (const [site, reason] of [
    ["/pbs-bad", /sha256 of the \d+ bytes received is [0-9a-f]{64}, but the index says 0{64}; the download was refused$/],
    ["/pbs-cut", /(broke off after \d+ bytes|refused)/],
  ] as const) {
    const { run: r, cache } = run({ TIERCI_PYTHON_MIRROR: `${server.url}${site}` });
    await assert.rejects(
      acquirePython(r, { request: pythonRequest(source.minor, false, false), arch: process.arch, checkLatest: false }, []),
      (err: Error) => err instanceof BuiltinFailure && err.message.startsWith(`Python ${source?.version} could not be installed: `) && reason.test(err.message),
    );
    assert.equal(existsSync(join(cache, "Python", source.version)), false, `${site}: nothing installed`);
    assert.equal(existsSync(join(cache, ".staging", `Python-${source.version}-${process.arch}`)), false);
  }
});

test("a version the release does not have fails naming what it has; offline names what would get it", async (t) => {
  if (!source) return t.skip("no CPython with a standard prefix layout on this machine");
  const { run: r } = run({ TIERCI_PYTHON_MIRROR: `${server.url}/pbs` });
  const version = source.version;
  await assert.rejects(
    acquirePython(r, { request: pythonRequest("3.99", false, false), arch: process.arch, checkLatest: false }, []),
    (err: Error) =>
      err instanceof BuiltinFailure &&
      err.message ===
        `The version '3.99' with architecture '${process.arch}' was not found for this operating system: python-build-standalone ${TAG} (${server.url}/pbs/${TAG}) has ${version}`,
  );
  const { run: off } = run({ TIERCI_PYTHON_MIRROR: `${server.url}/pbs` }, true);
  await assert.rejects(
    acquirePython(off, { request: pythonRequest("3.99", false, false), arch: process.arch, checkLatest: false }, []),
    (err: Error) =>
      err instanceof BuiltinFailure &&
      err.message.startsWith(
        `Python 3.99 is not installed on this machine (installed: none), and --offline forbids downloading it. Run without --offline to download it from ${server.url}/pbs/latest-release.json`,
      ),
  );
});

test("release archives: stripped builds preferred, prereleases spelled as the tool cache spells them, other triples ignored", () => {
  const sums = new Map([
    [`cpython-3.13.1+${TAG}-x86_64-unknown-linux-gnu-install_only.tar.gz`, "1"],
    [`cpython-3.13.1+${TAG}-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz`, "2"],
    [`cpython-3.14.0rc2+${TAG}-x86_64-unknown-linux-gnu-install_only.tar.gz`, "3"],
    [`cpython-3.14.0rc2+${TAG}-x86_64-unknown-linux-gnu-freethreaded-install_only.tar.gz`, "4"],
    [`cpython-3.13.1+${TAG}-aarch64-unknown-linux-gnu-install_only.tar.gz`, "5"],
    [`cpython-3.13.1+${TAG}-x86_64-unknown-linux-gnu-pgo+lto-full.tar.zst`, "6"],
    [`cpython-3.12.0+20230101-x86_64-unknown-linux-gnu-install_only.tar.gz`, "7"],
  ]);
  assert.deepEqual(
    releaseBuilds(sums, TAG, "x86_64-unknown-linux-gnu").map((b) => `${b.version}${b.freethreaded ? "t" : ""}=${b.sha256}`),
    ["3.13.1=2", "3.14.0-rc.2=3", "3.14.0-rc.2t=4"],
  );
  assert.equal(toolCacheVersion("3.15.0a7"), "3.15.0-alpha.7");
  assert.equal(standaloneTriple("darwin", "arm64"), "aarch64-apple-darwin");
  assert.equal(standaloneTriple("win32", "x64"), undefined);
});

test("PyPy specs parse as setup-python parses them and pick the newest matching release", () => {
  assert.deepEqual(parsePyPyVersion("pypy3.10"), { pythonVersion: "3.10", pypyVersion: "x" });
  assert.deepEqual(parsePyPyVersion("pypy-3.9-v7.3.x"), { pythonVersion: "3.9", pypyVersion: "7.3.x" });
  assert.deepEqual(parsePyPyVersion("pypy3.10-7.3.3rc1"), { pythonVersion: "3.10", pypyVersion: "7.3.3-rc.1" });
  assert.throws(() => parsePyPyVersion("pypy"), /PyPy version should be specified as 'pypy<python-version>'/);
  assert.throws(() => parsePyPyVersion("pypy3"), /Python version should be specified in format 'x\.y'/);
  assert.throws(() => parsePyPyVersion("pypy3.10-nightly"), /nightly builds are not supported/);
  const file = (arch: string) => ({ filename: `f-${arch}`, arch, platform: process.platform, download_url: "" });
  const releases = [
    { pypy_version: "7.3.16", python_version: "3.10.14", files: [file("x64")] },
    { pypy_version: "7.3.17", python_version: "3.10.14", files: [file("x64")] },
    { pypy_version: "7.3.18rc1", python_version: "3.10.16", files: [file("x64")] },
    { pypy_version: "7.3.17", python_version: "3.9.19", files: [file("x64")] },
  ];
  assert.equal(findPyPyRelease(releases, parsePyPyVersion("pypy3.10"), "x64", false)?.release.pypy_version, "7.3.17");
  assert.equal(findPyPyRelease(releases, parsePyPyVersion("pypy3.10-v7.3.16"), "x64", false)?.release.pypy_version, "7.3.16");
  assert.equal(findPyPyRelease(releases, parsePyPyVersion("pypy3.10-v7.3.18"), "x64", true)?.release.pypy_version, "7.3.18rc1");
  assert.equal(findPyPyRelease(releases, parsePyPyVersion("pypy3.10"), "s390x", false), undefined);
  assert.deepEqual(
    [...pypyChecksums(`<p>x</p>\n<pre>${"b".repeat(64)}  pypy3.10-v7.3.17-linux64.tar.bz2\n</pre>`)],
    [["pypy3.10-v7.3.17-linux64.tar.bz2", "b".repeat(64)]],
  );
});

test("PyPy is installed into the tool cache with its PYPY_VERSION and python links; a wrong checksum is refused", async () => {
  const { run: r, cache } = run({ TIERCI_PYPY_MIRROR: `${server.url}/pypy` });
  const pypy = await acquirePyPy(r, "pypy3.10", process.arch, { checkLatest: false, allowPrereleases: false });
  assert.deepEqual(pypy, { dir: join(cache, "PyPy", "3.10.14", process.arch), pythonVersion: "3.10.14", pypyVersion: "7.3.99" });
  assert.equal(readFileSync(join(pypy.dir, "PYPY_VERSION"), "utf8"), "7.3.99");
  assert.equal(readlinkSync(join(pypy.dir, "bin", "python")), "pypy3");
  const again = await acquirePyPy(r, "pypy-3.10-v7.3.x", process.arch, { checkLatest: false, allowPrereleases: false });
  assert.equal(again.dir, pypy.dir);
  assert.equal(server.hits.get("/pypy/pypy3.10-v7.3.99-linux64.tar.bz2"), 1);
  const { run: bad, cache: badCache } = run({ TIERCI_PYPY_MIRROR: `${server.url}/pypy-bad` });
  await assert.rejects(
    acquirePyPy(bad, "pypy3.10", process.arch, { checkLatest: false, allowPrereleases: false }),
    /PyPy 7\.3\.99 \(Python 3\.10\.14\) could not be installed: .*but the index says f{64}; the download was refused/,
  );
  assert.equal(existsSync(join(badCache, "PyPy")), false);
});
