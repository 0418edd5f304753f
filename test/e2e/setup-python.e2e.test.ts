// actions/setup-python in real runs on this machine's interpreters: a matrix over 3.10,
// 3.11 and 3.12 where each job's `python` is its own virtual environment, a version that
// is not installed, and the pip cache surviving from one run to the next.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { RunSummary } from "../../src/reports/run-summary.js";
import { repoFactory, runCli, type TempRepo } from "./harness.js";

const repo = repoFactory();

function run(r: TempRepo, ...args: string[]): { code: number; summary: RunSummary; logs: string } {
  const res = r.cli("run", "--offline", "--json", "-", ...args);
  if (!res.stdout.startsWith("{")) throw new Error(`no run summary (exit ${res.code}):\n${res.stderr}`);
  const summary = JSON.parse(res.stdout) as RunSummary;
  const logs = runCli(["logs", String(summary.run_number), "--repo", r.dir]).stdout;
  return { code: res.code, summary, logs };
}

/** Whether pip can fetch a tiny package from the index configured on this machine. */
function indexReachable(): boolean {
  const dir = mkdtempSync(join(tmpdir(), "tierci-pip-"));
  try {
    const r = spawnSync("python3", ["-m", "pip", "download", "--no-deps", "--dest", dir, "six"], {
      env: { ...process.env, PIP_RETRIES: "0" },
      timeout: 60_000,
    });
    return r.status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("each matrix job gets the requested Python in a virtual environment of its own tool directory", () => {
  const pip = indexReachable();
  const r = repo({
    ".github/workflows/py.yml": `on: push
env:
  # An unreachable default index would otherwise cost pip five retries.
  PIP_RETRIES: "0"
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        python: ["3.10", "3.11", "3.12"]
    steps:
      - id: py
        uses: actions/setup-python@v5
        with:
          python-version: \${{ matrix.python }}
      - name: version and location
        run: |
          v="$(python --version 2>&1)"
          echo "got $v from $(which python)"
          case "$v" in "Python \${{ matrix.python }}."*) ;; *) echo "expected \${{ matrix.python }}"; exit 1 ;; esac
          case "$(which python)" in "$RUNNER_TEMP"/*) ;; *) echo "python is not the job's own"; exit 1 ;; esac
          test "$(which python)" = "\${{ steps.py.outputs.python-path }}"
          case "\${{ steps.py.outputs.python-version }}" in "\${{ matrix.python }}".*) ;; *) exit 1 ;; esac
          test "$pythonLocation/bin/python" = "\${{ steps.py.outputs.python-path }}"
          python -c "import sys; assert sys.prefix != sys.base_prefix, 'not a virtual environment'"
          python -m pip --version
      # This machine's index carries compiled wheels for CPython 3.11 only, and pytest needs
      # one (tomli) on 3.10, so pytest is installed and run where the index can serve it.
      - name: pip install
        if: matrix.python != '3.10' && env.PIP_E2E == '1'
        run: |
          pip install pytest
          python -c "import pytest, sys; assert pytest.__file__.startswith(sys.prefix), pytest.__file__"
          printf 'import sys\\n\\ndef test_version():\\n    assert sys.version.startswith("\${{ matrix.python }}.")\\n' > test_version.py
          python -m pytest -q test_version.py
`,
  });
  const res = run(r, "--env", `PIP_E2E=${pip ? "1" : "0"}`);
  assert.equal(res.code, 0, res.logs);
  assert.deepEqual(res.summary.jobs.map((j) => [j.matrix?.["python"], j.conclusion]).sort(), [
    ["3.10", "success"],
    ["3.11", "success"],
    ["3.12", "success"],
  ]);
  const dirs = new Set([...res.logs.matchAll(/got Python [\d.]+ from (\S+)\/bin\/python/g)].map((m) => m[1]));
  assert.equal(dirs.size, 3, `three distinct virtual environments:\n${res.logs}`);
  for (const version of ["3.11", "3.12"]) {
    const pipStep = res.summary.jobs.find((j) => j.matrix?.["python"] === version)?.steps.find((s) => s.name === "pip install");
    assert.equal(pipStep?.conclusion, pip ? "success" : "skipped", `pip install + pytest on ${version}`);
  }
  if (pip) assert.match(res.logs, /1 passed/);
});

test("offline, a Python that is not installed fails the step, names the installed versions and where it would come from", () => {
  const r = repo({
    ".github/workflows/py.yml": `on: push
jobs:
  old:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-python@v5
        with:
          python-version: "3.4"
      - run: echo never
`,
  });
  const res = run(r);
  assert.equal(res.code, 1, res.logs);
  const job = res.summary.jobs[0];
  assert.equal(job?.conclusion, "failure");
  const message = job?.annotations.find((a) => a.level === "error")?.message ?? "";
  assert.match(
    message,
    /^Python 3\.4 is not installed on this machine \(installed: .*3\.1[012]\.\d+.*\), and --offline forbids downloading it\. Run without --offline to download it from https:\/\//,
  );
});

test("cache: pip restores the job's pip cache directory on the next run", () => {
  const r = repo({
    "requirements.txt": "six\n",
    ".github/workflows/py.yml": `on: push
jobs:
  cached:
    runs-on: ubuntu-latest
    steps:
      - id: py
        uses: actions/setup-python@v5
        with:
          python-version: "3.12"
          cache: pip
      - run: |
          echo "hit=\${{ steps.py.outputs.cache-hit }}"
          case "$PIP_CACHE_DIR" in "$HOME"/*) ;; *) echo "PIP_CACHE_DIR is not the job's"; exit 1 ;; esac
          if [ -f "$PIP_CACHE_DIR/marker" ]; then echo "restored marker"; fi
          mkdir -p "$PIP_CACHE_DIR" && echo cached > "$PIP_CACHE_DIR/marker"
`,
  });
  const first = run(r);
  assert.equal(first.code, 0, first.logs);
  assert.equal(first.summary.caches.length, 1);
  assert.equal(first.summary.caches[0]?.hit, false);
  assert.match(first.summary.caches[0]?.key ?? "", /^setup-python-Linux-x64-.*-python-3\.12\.\d+-pip-[0-9a-f]{64}$/);
  assert.match(first.logs, /hit=false/);
  const second = run(r);
  assert.equal(second.code, 0, second.logs);
  assert.equal(second.summary.caches[0]?.hit, true, second.logs);
  assert.match(second.logs, /hit=true/);
  assert.match(second.logs, /restored marker/);
  assert.match(second.logs, /Cache hit occurred on the primary key/);
});
