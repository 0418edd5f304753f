import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fakeRun, type FakeRun } from "../../../test/support/fake-builtin-run.js";
import { BuiltinFailure } from "../builtin-types.js";
import { installedPythons } from "./python-interpreters.js";
import { setupPythonAction } from "./setup-python.js";
import { inheritedEnvironment } from "../../runner/run-context.js";

const root = mkdtempSync(join(tmpdir(), "tierci-setup-python-"));
after(() => rmSync(root, { recursive: true, force: true }));

interface Job {
  run: FakeRun;
  paths: string[];
  exported: Record<string, string>;
}

let jobs = 0;

function job(inputs: Record<string, string>, files: Record<string, string> = {}, offline = true): Job {
  const dir = join(root, `job-${++jobs}`);
  const workspace = join(dir, "work");
  for (const d of ["home", "tool", "temp", "work"]) mkdirSync(join(dir, d), { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(workspace, name), text);
  const run = fakeRun(setupPythonAction, {
    workspace,
    stateDir: join(root, "state"),
    inputs,
    env: { ...inheritedEnvironment(), HOME: join(dir, "home"), RUNNER_TOOL_CACHE: join(dir, "tool"), RUNNER_TEMP: join(dir, "temp"), RUNNER_OS: "Linux" },
    offline,
  });
  const j: Job = { run, paths: [], exported: {} };
  run.addPath = (d) => j.paths.push(d);
  run.exportVariable = (name, value) => (j.exported[name] = value);
  return j;
}

const failsWith = (pattern: RegExp) => (err: Error) => err instanceof BuiltinFailure && pattern.test(err.message);

test("offline, a version named by .python-version that is not installed fails naming the installed ones and what would get it", async () => {
  const j = job({}, { ".python-version": "3.4\n" });
  await assert.rejects(
    () => setupPythonAction.main(j.run),
    failsWith(
      /^Python 3\.4 is not installed on this machine \(installed: \d.*\), and --offline forbids downloading it\. Run without --offline to download it from https:\/\/raw\.githubusercontent\.com\/astral-sh\/python-build-standalone\/latest-release\/latest-release\.json, or install it yourself \(uv python install 3\.4 or pyenv install 3\.4\)$/,
    ),
  );
  assert.ok(j.run.logs.includes("Resolved .python-version as 3.4"));
});

test("python-version-file must exist; pyproject's requires-python is a range", async () => {
  await assert.rejects(
    () => setupPythonAction.main(job({ "python-version-file": "nope/.python-version" }).run),
    failsWith(/The specified python version file at: nope\/\.python-version doesn't exist\./),
  );
  const j = job({ "python-version-file": "pyproject.toml" }, { "pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.4,<3.5"\n' });
  await assert.rejects(() => setupPythonAction.main(j.run), failsWith(/^Python >=3\.4 <3\.5 is not installed on this machine/));
});

test("no version at all warns and leaves PATH alone, as the action does", async () => {
  const j = job({});
  await setupPythonAction.main(j.run);
  assert.deepEqual(j.paths, []);
  assert.match(j.run.warnings.join("\n"), /The `python-version` input is not set/);
});

test("offline PyPy, GraalPy, unknown cache managers and unknown architectures fail clearly", async () => {
  await assert.rejects(
    () => setupPythonAction.main(job({ "python-version": "pypy3.10" }).run),
    failsWith(
      /^pypy3\.10 is not installed on this machine \(the tool cache has no matching PyPy\), and --offline forbids downloading it\. Run without --offline to download it from https:\/\/downloads\.python\.org\/pypy\/versions\.json/,
    ),
  );
  await assert.rejects(() => setupPythonAction.main(job({ "python-version": "graalpy-24.1" }).run), failsWith(/GraalPy is not supported/));
  await assert.rejects(
    () => setupPythonAction.main(job({ "python-version": "3.x", architecture: "s390x" }).run),
    failsWith(/architecture s390x is not available/),
  );
});

test("update-environment false creates the venv and sets outputs without touching PATH", async (t) => {
  const installed = await installedPythons();
  const base = installed.find((p) => !p.freethreaded);
  if (!base) return t.skip("no CPython on this machine");
  const j = job({ "python-version": base.version, "update-environment": "false", cache: "conda" });
  await assert.rejects(() => setupPythonAction.main(j.run), failsWith(/^Caching for 'conda' is not supported$/));
  assert.deepEqual(j.paths, []);
  assert.deepEqual(j.exported, {});
  assert.equal(j.run.outputs["python-version"], base.version);
  const python = j.run.outputs["python-path"] ?? "";
  assert.equal(python, join(j.run.env["RUNNER_TEMP"] ?? "", "tierci-tools", `venv-${base.version}`, "bin", "python"));
  assert.ok(existsSync(join(python, "..", "pip")), "the venv has pip");
});
