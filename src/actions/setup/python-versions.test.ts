import assert from "node:assert/strict";
import { test } from "node:test";
import {
  installedVersions,
  describeMissing,
  pythonRequest,
  resolvePython,
  versionsFromFile,
  versionsFromPipfile,
  versionsFromPlainFile,
  versionsFromPyproject,
  versionsFromToolVersions,
  type PythonInterpreter,
} from "./python-versions.js";

const py = (version: string, source = "pyenv", freethreaded = false): PythonInterpreter => ({
  version,
  freethreaded,
  executable: `/fake/${source}/${version}/bin/python3`,
  source,
});

const machine: PythonInterpreter[] = [py("3.10.14"), py("3.11.7"), py("3.12.3"), py("3.11.2", "/usr/bin"), py("3.13.0-rc.2", "uv"), py("3.13.1", "uv", true)];

function resolve(input: string, opts: { prereleases?: boolean; freethreaded?: boolean } = {}): string | undefined {
  const found = resolvePython(pythonRequest(input, opts.prereleases ?? false, opts.freethreaded ?? false), machine);
  return found && `${found.version}${found.freethreaded ? "t" : ""}@${found.source}`;
}

test("version specs resolve as setup-python resolves them against its tool cache", () => {
  assert.equal(resolve("3.11"), "3.11.7@pyenv");
  assert.equal(resolve("3.11.2"), "3.11.2@/usr/bin");
  assert.equal(resolve("3.x"), "3.12.3@pyenv", "a release beats a prerelease");
  assert.equal(resolve(">=3.10 <3.12"), "3.11.7@pyenv");
  assert.equal(resolve("3"), "3.12.3@pyenv");
  assert.equal(resolve("3.9"), undefined);
  assert.equal(resolve(">=3.10,<3.13"), undefined, "commas are not semver");
});

test("prereleases: -dev, allow-prereleases and Python's own spelling", () => {
  assert.equal(resolve("3.13"), undefined);
  assert.equal(resolve("3.13", { prereleases: true }), "3.13.0-rc.2@uv");
  assert.equal(resolve("3.13-dev"), "3.13.0-rc.2@uv");
  assert.equal(resolve("3.13.0rc2"), "3.13.0-rc.2@uv");
  assert.equal(resolve("3.13.0-rc.2"), "3.13.0-rc.2@uv");
  assert.equal(pythonRequest("3.12.0b1", false, false).spec, "3.12.0-beta.1");
});

test("free-threaded builds are asked for with a t suffix or the freethreaded input", () => {
  assert.equal(resolve("3.13t"), "3.13.1t@uv");
  assert.equal(resolve("3.13", { freethreaded: true }), "3.13.1t@uv");
  assert.equal(resolve("3.12t"), undefined);
  assert.deepEqual(pythonRequest("3.14t-dev", false, false), { input: "3.14t-dev", spec: "~3.14.0-0", freethreaded: true });
});

test("a missing version is described with the installed ones", () => {
  assert.deepEqual(describeMissing(pythonRequest("3.9", false, false), machine), {
    what: "Python 3.9",
    installed: "installed: 3.10.14, 3.11.2, 3.11.7, 3.12.3, 3.13.0-rc.2, 3.13.1t",
  });
  assert.match(describeMissing(pythonRequest("3.1", false, false), machine).installed, /; an unquoted 3\.10 in YAML is the number 3\.1, quote the version$/);
  assert.deepEqual(describeMissing(pythonRequest("3.12", false, true), []), { what: "Python 3.12 (free-threaded)", installed: "installed: none" });
  assert.deepEqual(installedVersions([py("3.12.3"), py("3.12.3", "PATH"), py("3.9.1")]), ["3.9.1", "3.12.3"]);
});

test(".python-version: one version a line, comments and virtualenv pointers handled", () => {
  assert.deepEqual(versionsFromPlainFile("3.11.7\n"), ["3.11.7"]);
  assert.deepEqual(versionsFromPlainFile("# pinned\n3.10\n\n  3.12/envs/tools  \r\n"), ["3.10", "3.12"]);
  assert.deepEqual(versionsFromPlainFile(""), []);
});

test(".tool-versions: the first python line", () => {
  assert.deepEqual(versionsFromToolVersions("nodejs 20.1.0\n# python 2.7\npython 3.11.7\npython 3.12.0\n"), ["3.11.7"]);
  assert.deepEqual(versionsFromToolVersions("python v3.12"), ["3.12"]);
  assert.deepEqual(versionsFromToolVersions("python 3.11.7 3.10.13\n"), [], "several versions on a line do not match, as in the action");
  assert.deepEqual(versionsFromToolVersions("nodejs 20\n"), []);
});

test("pyproject.toml: requires-python under [project], else poetry's python dependency", () => {
  assert.deepEqual(versionsFromPyproject('[project]\nname = "x"\nrequires-python = ">=3.10,<3.13"\n'), [">=3.10 <3.13"]);
  assert.deepEqual(
    versionsFromPyproject('[project]\nname = "x"\n[tool.poetry.dependencies]\npython = "^3.11"\n'),
    [],
    "a [project] table without requires-python gives nothing",
  );
  assert.deepEqual(versionsFromPyproject('[tool.poetry.dependencies]\npython = "^3.11"\n'), ["^3.11"]);
  assert.deepEqual(versionsFromPyproject('[project]\nrequires-python = "!=3.11.0"\n'), [], "PEP 440 only operators are not semver");
  assert.deepEqual(versionsFromPyproject('[project]\nrequires-python = "~=3.10"\n'), ["~=3.10"], "node-semver takes ~= for ~");
  assert.deepEqual(versionsFromPyproject("[build-system]\nrequires = []\n"), []);
});

test("Pipfile and the choice of parser by file name", () => {
  assert.deepEqual(versionsFromPipfile('[requires]\npython_version = "3.11"\n'), ["3.11"]);
  assert.deepEqual(versionsFromPipfile('[requires]\npython_version = "3.11"\npython_full_version = "3.11.7"\n'), ["3.11.7"]);
  assert.deepEqual(versionsFromFile("config/pyproject.toml", '[project]\nrequires-python = ">=3.12"\n'), [">=3.12"]);
  assert.deepEqual(versionsFromFile(".tool-versions", "python 3.10.13\n"), ["3.10.13"]);
  assert.deepEqual(versionsFromFile("Pipfile", '[requires]\npython_version = "3.12"\n'), ["3.12"]);
  assert.deepEqual(versionsFromFile(".python-version", "3.12\n"), ["3.12"]);
  assert.deepEqual(
    resolvePython(pythonRequest(versionsFromFile("pyproject.toml", '[project]\nrequires-python = ">=3.10,<3.12"\n')[0] ?? "", false, false), machine)?.version,
    "3.11.7",
  );
});
