// PyPy for setup-python: `pypy3.10`, `pypy-3.10`, `pypy3.10-v7.3.x` resolved as the action
// resolves them, against the tool cache (PyPy/<python version>/<arch>, the exact PyPy
// version in its PYPY_VERSION file) and PyPy's versions.json; a download is checked against
// the SHA-256 list PyPy publishes (pypy.org/checksums.html). TIERCI_PYPY_MIRROR serves all
// three from one place: <mirror>/versions.json, <mirror>/<file>, <mirror>/checksums.html.
import { existsSync, readFileSync } from "node:fs";
import { symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fetchJson, fetchOnce, fetchText, redactUrl } from "../../toolcache/http.js";
import { ensureTool, singleEntry } from "../../toolcache/install.js";
import { cachedVersions } from "../../toolcache/layout.js";
import { BuiltinFailure, type BuiltinRun } from "../builtin-types.js";
import { indexOrInstalled, installing, toolCacheOf } from "./acquire.js";
import { parseRange, parseVersion, satisfies, type SemVer } from "./version-spec.js";

const VERSIONS_URL = "https://downloads.python.org/pypy/versions.json";
const CHECKSUMS_URL = "https://pypy.org/checksums.html";

export interface PyPySpec {
  pythonVersion: string;
  pypyVersion: string;
}

/** 7.3.3rc1 -> 7.3.3-rc.1, as the action compares PyPy versions. */
function pypySemantic(version: string): string {
  return version.replace(/(\d+\.\d+\.\d+)(a|b|rc)(\d*)/g, "$1-$2.$3");
}

export function parsePyPyVersion(input: string): PyPySpec {
  const parts = input.split("-").filter(Boolean);
  const first = /^pypy(.+)$/.exec(parts[0] ?? "");
  if (first?.[1]) parts.splice(0, 1, "pypy", first[1]);
  if (parts.length < 2 || parts[0] !== "pypy") {
    throw new BuiltinFailure(
      "Invalid 'version' property for PyPy. PyPy version should be specified as 'pypy<python-version>' or 'pypy-<python-version>'. See README for examples and documentation.",
    );
  }
  const pythonVersion = parts[1] ?? "";
  const pypyVersion = parts.length > 2 ? pypySemantic((parts[2] ?? "").replace(/^v/, "")) : "x";
  if (pypyVersion === "nightly") throw new BuiltinFailure("PyPy nightly builds are not supported by tierci's setup-python; name a released PyPy version");
  if (!parseRange(pythonVersion) || !parseRange(pypyVersion)) {
    throw new BuiltinFailure(
      "Invalid 'version' property for PyPy. Both Python version and PyPy versions should satisfy SemVer notation. See README for examples and documentation.",
    );
  }
  if (!/^\d+\.\d+$/.test(pythonVersion))
    throw new BuiltinFailure(
      "Invalid format of Python version for PyPy. Python version should be specified in format 'x.y'. See README for examples and documentation.",
    );
  return { pythonVersion, pypyVersion };
}

/** semver.coerce: the first x.y.z (missing parts 0) found in the text. */
function coerce(text: string): SemVer | null {
  const m = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  return m ? { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0), prerelease: [] } : null;
}

function fits(spec: PyPySpec, pythonVersion: string, pypyVersion: string, prereleases = false): boolean {
  const python = coerce(pythonVersion);
  const pypy = parseVersion(pypySemantic(pypyVersion));
  const pythonRange = parseRange(spec.pythonVersion);
  const pypyRange = parseRange(spec.pypyVersion);
  if (!python || !pypy || !pythonRange || !pypyRange) return false;
  const pypyOk = satisfies(pypy, pypyRange) || (prereleases && satisfies({ ...pypy, prerelease: [] }, pypyRange));
  return satisfies(python, pythonRange) && pypyOk;
}

interface PyPyFile {
  filename: string;
  arch: string;
  platform: string;
  download_url: string;
}

interface PyPyRelease {
  pypy_version: string;
  python_version: string;
  files?: PyPyFile[];
}

export interface PyPyInstall {
  dir: string;
  pythonVersion: string;
  pypyVersion: string;
}

/** PyPy's names: x64 and aarch64 on Linux, x64 and arm64 on macOS. */
function pypyArch(arch: string): string {
  return process.platform === "linux" && arch === "arm64" ? "aarch64" : arch;
}

export function findPyPyRelease(
  releases: PyPyRelease[],
  spec: PyPySpec,
  arch: string,
  prereleases: boolean,
): { release: PyPyRelease; file: PyPyFile } | undefined {
  const file = (r: PyPyRelease) => r.files?.find((f) => f.arch === pypyArch(arch) && f.platform === process.platform);
  const key = (r: PyPyRelease): SemVer[] =>
    [coerce(pypySemantic(r.pypy_version)), coerce(r.python_version)].map((v) => v ?? { major: 0, minor: 0, patch: 0, prerelease: [] });
  const order = (a: SemVer, b: SemVer) => b.major - a.major || b.minor - a.minor || b.patch - a.patch;
  const sorted = releases
    .filter((r) => file(r) && fits(spec, r.python_version, r.pypy_version.trim(), prereleases))
    .sort((a, b) => {
      const [ap, ay] = key(a) as [SemVer, SemVer];
      const [bp, by] = key(b) as [SemVer, SemVer];
      return order(ap, bp) || order(ay, by);
    });
  const release = sorted[0];
  const found = release && file(release);
  return release && found ? { release, file: found } : undefined;
}

/** `<sha256>  <file>` pairs in PyPy's checksum page (HTML around plain lines). */
export function pypyChecksums(html: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const m of html.matchAll(/\b([0-9a-f]{64})\s+(pypy[^\s<]+)/g)) if (m[1] && m[2]) sums.set(m[2], m[1]);
  return sums;
}

function cachedPyPy(root: string, spec: PyPySpec, arch: string): PyPyInstall | undefined {
  for (const pythonVersion of cachedVersions(root, "PyPy", arch)) {
    const dir = join(root, "PyPy", pythonVersion, arch);
    const versionFile = join(dir, "PYPY_VERSION");
    const pypyVersion = existsSync(versionFile) ? readFileSync(versionFile, "utf8").trim() : "";
    if (pypyVersion && fits(spec, pythonVersion, pypyVersion)) return { dir, pythonVersion, pypyVersion };
  }
  return undefined;
}

export async function acquirePyPy(
  run: BuiltinRun,
  input: string,
  arch: string,
  opts: { checkLatest: boolean; allowPrereleases: boolean },
): Promise<PyPyInstall> {
  const spec = parsePyPyVersion(input);
  const root = toolCacheOf(run);
  const here = cachedPyPy(root, spec, arch);
  if (here && !opts.checkLatest) return here;
  const mirror = (run.env["TIERCI_PYPY_MIRROR"] ?? "").replace(/\/+$/, "");
  const versionsUrl = mirror ? `${mirror}/versions.json` : VERSIONS_URL;
  const missing = { what: input, installed: "the tool cache has no matching PyPy", url: versionsUrl, installHint: `uv python install ${input}` };
  const got = await indexOrInstalled(
    run,
    "PyPy releases",
    () => fetchOnce(versionsUrl, () => fetchJson<PyPyRelease[]>(versionsUrl)),
    here,
    (p) => `PyPy ${p.pypyVersion} (Python ${p.pythonVersion})`,
    missing,
  );
  if ("installed" in got) return got.installed;
  const releases = got.index;
  const found = findPyPyRelease(releases, spec, arch, false) ?? (opts.allowPrereleases ? findPyPyRelease(releases, spec, arch, true) : undefined);
  if (!found) {
    if (here) return here;
    throw new BuiltinFailure(`PyPy version ${spec.pythonVersion} (${spec.pypyVersion}) with arch ${arch} not found in ${redactUrl(versionsUrl)}`);
  }
  const pythonVersion = found.release.python_version;
  const pypyVersion = found.release.pypy_version.trim();
  if (here && here.pythonVersion === pythonVersion && here.pypyVersion === pypyVersion) return here;
  const url = mirror ? `${mirror}/${found.file.filename}` : found.file.download_url;
  const checksumsUrl = mirror ? `${mirror}/checksums.html` : CHECKSUMS_URL;
  const dir = await installing(run, `PyPy ${pypyVersion} (Python ${pythonVersion})`, async () => {
    const sha = pypyChecksums(await fetchOnce(checksumsUrl, () => fetchText(checksumsUrl))).get(found.file.filename);
    if (!sha) throw new Error(`${redactUrl(checksumsUrl)} lists no SHA-256 for ${found.file.filename}`);
    const installed = await ensureTool(root, { tool: "PyPy", version: pythonVersion, arch }, { signal: run.signal, log: run.log }, async (stage) => {
      const tree = singleEntry(await stage.unpack({ url, checksum: { algorithm: "sha256", hex: sha } }, "pypy"));
      await writeFile(join(tree, "PYPY_VERSION"), pypyVersion);
      const pypy = ["pypy3", "pypy"].find((n) => existsSync(join(tree, "bin", n)));
      if (!pypy) throw new Error(`${found.file.filename} has no bin/pypy3`);
      for (const name of ["python", "python3"]) if (!existsSync(join(tree, "bin", name))) await symlink(pypy, join(tree, "bin", name));
      return tree;
    });
    const cached = readFileSync(join(installed.dir, "PYPY_VERSION"), "utf8").trim();
    if (cached !== pypyVersion)
      throw new Error(
        `the tool cache already holds PyPy ${cached} for Python ${pythonVersion} in ${installed.dir}; remove that directory to install ${pypyVersion}`,
      );
    return installed.dir;
  });
  return { dir, pythonVersion, pypyVersion };
}
