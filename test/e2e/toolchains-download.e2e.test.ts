// setup-python, setup-go and setup-java downloading in real runs of the CLI, from a site on
// 127.0.0.1 that serves the official index formats: a CPython made relocatable from one of
// this machine's interpreters (hidden from tierci for the run, so that it must be
// downloaded), and stand-in Go and JDK trees. Jobs whose site gives a wrong checksum or cuts
// the archive short fail, and leave nothing in the tool cache; `tierci cache prune` then
// removes the versions once they have been idle too long.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { installedPythons } from "../../src/actions/setup/python-interpreters.js";
import { standaloneTriple } from "../../src/actions/setup/python-releases.js";
import type { RunSummary } from "../../src/reports/run-summary.js";
import { relocatablePython, writePythonTree, type PythonSource } from "../support/python-tree.js";
import { startToolServer, tarball, type ToolServer } from "../support/tool-server.js";
import { serveGo, servePythonRelease, serveTemurin } from "../support/tool-sites.js";
import { repoFactory, runCli, startCli } from "./harness.js";

const repo = repoFactory();
const work = mkdtempSync(join(tmpdir(), "tierci-e2e-sites-"));
const toolCache = process.env["TIERCI_TOOL_CACHE"] ?? "";
const TAG = "20991231";
let server: ToolServer;
let python: PythonSource | undefined;

before(async () => {
  server = await startToolServer();
  // A version tierci cannot find once pyenv and uv are hidden: not one of the other interpreters.
  const visible = new Set(
    (await installedPythons()).filter((p) => p.source !== "pyenv" && p.source !== "uv").map((p) => p.version.split(".").slice(0, 2).join(".")),
  );
  python = await relocatablePython((v) => visible.has(v.split(".").slice(0, 2).join(".")));
  if (python) {
    writePythonTree(python, join(work, "py"));
    const release = {
      tag: TAG,
      triple: standaloneTriple(process.platform, process.arch) ?? "",
      version: python.version,
      archive: tarball(join(work, "py"), "python"),
    };
    servePythonRelease(server, "/pbs", release);
    // The failing jobs ask for versions of their own, so that they cannot find what the others installed.
    servePythonRelease(server, "/pbs-bad", { ...release, version: `${python.minor}.99`, sum: "0".repeat(64) });
  }
  serveGo(server, "/go", work, [{ version: "1.99.1" }, { version: "1.98.3" }]);
  serveGo(server, "/go-cut", work, [{ version: "1.99.2", truncate: true }]);
  serveTemurin(server, "/adoptium", work, [{ version: "91.0.2", build: 13 }]);
  serveTemurin(server, "/adoptium-bad", work, [{ version: "91.0.3", build: 2, sum: "f".repeat(64) }]);
  Object.assign(process.env, { PATH: "/usr/bin:/bin", PYENV_ROOT: join(work, "no-pyenv"), UV_PYTHON_INSTALL_DIR: join(work, "no-uv") });
});
after(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

function workflow(url: string, minor: string): string {
  return `on: push
jobs:
  python:
    runs-on: ubuntu-latest
    env:
      TIERCI_PYTHON_MIRROR: ${url}/pbs
    steps:
      - id: py
        uses: actions/setup-python@v5
        with:
          python-version: "${minor}"
      - run: |
          echo "python $(python -c 'import platform; print(platform.python_version())') at $(command -v python)"
          test "\${{ steps.py.outputs.python-version }}" = "$(python -c 'import platform; print(platform.python_version())')"
          case "$(command -v python)" in "$RUNNER_TEMP"/*) ;; *) echo "not the job's own environment"; exit 1 ;; esac
          python -m pip --version
  python-bad-checksum:
    runs-on: ubuntu-latest
    env:
      TIERCI_PYTHON_MIRROR: ${url}/pbs-bad
    steps:
      - uses: actions/setup-python@v5
        with:
          python-version: "${minor}.99"
  go:
    runs-on: ubuntu-latest
    steps:
      - id: go
        uses: actions/setup-go@v5
        with:
          go-version: "1.99"
          go-download-base-url: ${url}/go
          cache: false
      - run: |
          go version
          test "\${{ steps.go.outputs.go-version }}" = 1.99.1
          test "$GOTOOLCHAIN" = local
  go-cut-short:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
        with:
          go-version: "1.99.2"
          go-download-base-url: ${url}/go-cut
          cache: false
  java:
    runs-on: ubuntu-latest
    env:
      TIERCI_ADOPTIUM_API: ${url}/adoptium
    steps:
      - id: java
        uses: actions/setup-java@v4
        with:
          distribution: temurin
          java-version: "91"
      - run: |
          java -version
          test "$JAVA_HOME" = "\${{ steps.java.outputs.path }}"
          test "\${{ steps.java.outputs.version }}" = "91.0.2+13"
          test -x "$JAVA_HOME_91_${process.arch === "arm64" ? "AARCH64" : process.arch.toUpperCase()}/bin/javac"
  java-bad-checksum:
    runs-on: ubuntu-latest
    env:
      TIERCI_ADOPTIUM_API: ${url}/adoptium-bad
    steps:
      - uses: actions/setup-java@v4
        with:
          distribution: temurin
          java-version: "91.0.3"
`;
}

test("Python, Go and Java are downloaded into the tool cache; wrong checksums and broken downloads fail their jobs and leave nothing", async (t) => {
  if (!python) return t.skip("no CPython with a standard prefix layout (such as pyenv's) on this machine");
  const r = repo({ ".github/workflows/tools.yml": workflow(server.url, python.minor) });
  // Asynchronously: the site answers from this process while the run goes on.
  const summaryFile = join(work, "summary.json");
  const code = await startCli(["run", "--json", summaryFile, "--jobs", "6", "--repo", r.dir]).done;
  const summary = JSON.parse(readFileSync(summaryFile, "utf8")) as RunSummary;
  const logs = runCli(["logs", String(summary.run_number), "--repo", r.dir]).stdout;
  assert.equal(code, 1, logs);
  const conclusions = Object.fromEntries(summary.jobs.map((j) => [j.job_id, j.conclusion]));
  assert.deepEqual(
    conclusions,
    { python: "success", "python-bad-checksum": "failure", go: "success", "go-cut-short": "failure", java: "success", "java-bad-checksum": "failure" },
    logs,
  );
  const errors = summary.jobs.flatMap((j) => j.annotations.filter((a) => a.level === "error").map((a) => `${j.job_id}: ${a.message}`));
  assert.ok(
    errors.some(
      (e) =>
        e.startsWith(`python-bad-checksum: Python ${python?.minor}.99 could not be installed: `) &&
        e.endsWith(`but the index says ${"0".repeat(64)}; the download was refused`),
    ),
    errors.join("\n"),
  );
  assert.ok(
    errors.some((e) => /^go-cut-short: Go 1\.99\.2 could not be installed: .*(broke off after \d+ bytes|refused)/.test(e)),
    errors.join("\n"),
  );
  assert.ok(
    errors.some(
      (e) =>
        e.startsWith("java-bad-checksum: Java 91.0.3+2 could not be installed: ") &&
        e.endsWith(`but the index says ${"f".repeat(64)}; the download was refused`),
    ),
    errors.join("\n"),
  );
  assert.ok(logs.includes(`python ${python.version} at `), logs);

  assert.deepEqual(readdirSync(join(toolCache, "Python")), [python.version]);
  assert.deepEqual(readdirSync(join(toolCache, "go")), ["1.99.1"]);
  assert.deepEqual(readdirSync(join(toolCache, "Java_Temurin-Hotspot_jdk")), ["91.0.2-13"]);
  assert.deepEqual(readdirSync(join(toolCache, ".staging")), [], "no staging directory is left");
  assert.deepEqual(readdirSync(join(toolCache, ".locks")), [], "no lock is left");

  // Idle for a month: prune removes them, and only them.
  const month = new Date(Date.now() - 30 * 86_400_000);
  for (const marker of [
    join("Python", python.version, `${process.arch}.complete`),
    join("go", "1.99.1", `${process.arch}.complete`),
    join("Java_Temurin-Hotspot_jdk", "91.0.2-13", `${process.arch}.complete`),
  ])
    utimesSync(join(toolCache, marker), month, month);
  const pruned = r.cli("cache", "prune", "--json", "-");
  assert.equal(pruned.code, 0, pruned.stderr);
  const result = JSON.parse(pruned.stdout) as { tool_cache: string; tools_removed: { tool: string; version: string }[]; tool_bytes_freed: number };
  assert.equal(result.tool_cache, toolCache);
  assert.deepEqual(result.tools_removed.map((x) => `${x.tool} ${x.version}`).sort(), [
    "Java_Temurin-Hotspot_jdk 91.0.2-13",
    `Python ${python.version}`,
    "go 1.99.1",
  ]);
  assert.ok(result.tool_bytes_freed > 0);
  assert.equal(existsSync(join(toolCache, "go", "1.99.1")), false);
});
