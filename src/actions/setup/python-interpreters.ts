// The CPython interpreters installed on this machine: pyenv's versions, uv-managed ones,
// /usr/local/bin and /usr/bin, then whatever else is on PATH. Each distinct binary is asked
// once for its exact version and layout; the answer holds for the life of the process.
import { appendAll } from "../../util/large-arrays.js";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { cachedVersions } from "../../toolcache/layout.js";
import { listDir as list } from "../../util/list-dir.js";
import { memoized } from "../../util/memoize.js";
import { execTool, isExecutable, machineHome, uniqueInstalls } from "./common.js";
import type { PythonInterpreter } from "./python-versions.js";

export interface InstalledPython extends PythonInterpreter {
  /** The site directory the interpreter installs into (sysconfig purelib). */
  purelib: string;
  /** Distributions installed in purelib itself, which a virtual environment can copy. */
  ownPip: boolean;
  ownSetuptools: boolean;
  /** Its own ensurepip, for when pip cannot be copied. */
  ensurepip: boolean;
  /** The directory above bin/ (sys.prefix). */
  prefix: string;
}

interface Candidate {
  path: string;
  source: string;
}

const NAME = /^python(\d+(\.\d+)?)?t?$/;

function installs(root: string, source: string, binary: (dir: string) => string[]): Candidate[] {
  const found: Candidate[] = [];
  for (const name of list(root)) {
    const bin = binary(join(root, name)).find(isExecutable);
    if (bin) found.push({ path: bin, source });
  }
  return found;
}

function binaries(dir: string, source: string): Candidate[] {
  return list(dir)
    .filter((n) => NAME.test(n))
    .map((n) => join(dir, n))
    .filter(isExecutable)
    .map((path) => ({ path, source }));
}

/** Where to look, in order of preference for equal versions. */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env, home = machineHome()): Candidate[] {
  const pyenv = env["PYENV_ROOT"] || join(home, ".pyenv");
  const uvDir = env["UV_PYTHON_INSTALL_DIR"] || join(env["XDG_DATA_HOME"] || join(home, ".local", "share"), "uv", "python");
  const candidates = [
    ...installs(join(pyenv, "versions"), "pyenv", (d) => [join(d, "bin", "python3"), join(d, "bin", "python")]),
    // uv names a free-threaded build's binary python3.13t and leaves python3 to the default build.
    ...installs(uvDir, "uv", (d) => [
      join(d, "bin", "python3"),
      ...list(join(d, "bin"))
        .filter((n) => /^python3\.\d+t$/.test(n))
        .map((n) => join(d, "bin", n)),
    ]),
    ...binaries("/usr/local/bin", "/usr/local/bin"),
    ...binaries("/usr/bin", "/usr/bin"),
  ];
  // Shim directories (pyenv, asdf) only dispatch to installs that are listed above.
  for (const dir of (env["PATH"] ?? "").split(delimiter)) {
    if (dir === "" || /(^|\/)shims\/?$/.test(dir)) continue;
    appendAll(candidates, binaries(dir, "PATH"));
  }
  return uniqueInstalls(candidates);
}

// Run with -S: the answer needs no site-packages, and skipping their .pth files makes the
// probe several times faster.
const PROBE = `
import json, os, sys, sysconfig
from importlib.util import find_spec
purelib = sysconfig.get_paths()["purelib"]
def own(name):
    return os.path.isfile(os.path.join(purelib, name, "__init__.py"))
print(json.dumps({
    "info": list(sys.version_info[:5]),
    "impl": sys.implementation.name,
    "prefix": sys.prefix,
    "base": sys.base_prefix,
    "ft": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    "venv": find_spec("venv") is not None,
    "ensurepip": find_spec("ensurepip") is not None,
    "purelib": purelib,
    "pip": own("pip"),
    "setuptools": own("setuptools"),
}))
`;

interface Probe {
  info: [number, number, number, string, number];
  impl: string;
  prefix: string;
  base: string;
  ft: boolean;
  venv: boolean;
  ensurepip: boolean;
  purelib: string;
  pip: boolean;
  setuptools: boolean;
}

/** 3.13.0rc2 as the tool cache writes it: 3.13.0-rc.2. */
export function semanticPythonVersion(info: Probe["info"]): string {
  const [major, minor, micro, level, serial] = info;
  const pre: Record<string, string> = { alpha: "alpha", beta: "beta", candidate: "rc" };
  const tag = pre[level];
  return `${major}.${minor}.${micro}${tag ? `-${tag}.${serial}` : ""}`;
}

export async function probePython(candidate: Candidate, implementation: "cpython" | "pypy" = "cpython"): Promise<InstalledPython | undefined> {
  // -I: neither PYTHON* variables nor the current directory can change the answer.
  const r = await execTool(candidate.path, ["-I", "-S", "-c", PROBE], { timeoutMs: 20_000, cwd: "/" });
  if (r.code !== 0) return undefined;
  let p: Probe;
  try {
    p = JSON.parse(r.stdout) as Probe;
  } catch {
    return undefined;
  }
  // Only an interpreter of the implementation asked for, Python 3, that can make a virtual
  // environment is of use; a virtual environment found on PATH is not an install of its own.
  if (p.impl !== implementation || p.info[0] < 3 || !p.venv || p.prefix !== p.base) return undefined;
  return {
    version: semanticPythonVersion(p.info),
    freethreaded: p.ft,
    executable: candidate.path,
    source: candidate.source,
    purelib: p.purelib,
    ownPip: p.pip,
    ownSetuptools: p.setuptools,
    ensurepip: p.ensurepip,
    prefix: p.prefix,
  };
}

let discovered: Promise<InstalledPython[]> | undefined;

/** Every usable interpreter, probed once per process. */
export function installedPythons(): Promise<InstalledPython[]> {
  discovered ??= Promise.all(pythonCandidates().map((c) => probePython(c))).then((all) => {
    const seen = new Set<string>();
    // Two paths can still be one install (a copied binary, a hard link).
    return all.filter((p): p is InstalledPython => {
      if (!p) return false;
      const key = `${p.prefix}\0${p.version}\0${p.freethreaded}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });
  return discovered;
}

/** The interpreter of an installed tree: bin/python3, or a free-threaded build's bin/python3.Nt. */
export function treePython(dir: string): string {
  const python3 = join(dir, "bin", "python3");
  if (existsSync(python3)) return python3;
  const threaded = list(join(dir, "bin")).find((n) => /^python3\.\d+t$/.test(n));
  return threaded ? join(dir, "bin", threaded) : python3;
}

const cachedProbes = new Map<string, Promise<InstalledPython | undefined>>();

/** The CPython versions of the tool cache (Python/<version>/<arch>, and <arch>-freethreaded); each is probed once per process. */
export async function cachedPythons(root: string, arch: string): Promise<InstalledPython[]> {
  const dirs = [arch, `${arch}-freethreaded`].flatMap((a) => cachedVersions(root, "Python", a).map((version) => join(root, "Python", version, a)));
  const found = await Promise.all(
    dirs.map((dir) => {
      const path = treePython(dir);
      return memoized(cachedProbes, path, () => probePython({ path, source: "tool cache" }));
    }),
  );
  return found.filter((p): p is InstalledPython => p !== undefined);
}
