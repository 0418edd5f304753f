// actions/setup-python (v4-v5). The version is resolved as the action resolves it against its
// tool cache, against the CPython installs found here (pyenv, uv, /usr/bin, PATH) and those
// of the shared tool cache; one that none has is installed from python-build-standalone into
// the tool cache (see python-acquire.ts). Each job gets a virtual environment of that
// interpreter in its own directory (under RUNNER_TEMP), first on PATH, so `pip install` never
// touches the machine's Python or the shared tool cache, and jobs never share packages.
//
// pythonLocation, Python_ROOT_DIR, Python2_ROOT_DIR and Python3_ROOT_DIR name the virtual
// environment, not the base install: it is where the job's `python` and installed packages
// live, and a workflow that caches `${{ env.pythonLocation }}` then caches the job's packages
// instead of restoring files over the machine's interpreter. PKG_CONFIG_PATH and
// LD_LIBRARY_PATH point into the base install, where python3.pc and libpython are.
import { copyFileSync, existsSync, readFileSync, readdirSync } from "node:fs";
import { arch } from "node:os";
import { join, resolve } from "node:path";
import { hashFiles } from "../../expr/hash-files.js";
import { BuiltinFailure, type BuiltinAction, type BuiltinRun } from "../builtin-types.js";
import { restoreCache } from "../cache/index.js";
import { booleanInput, cachePathOf, cachePathSpec, execLogged, linuxOsInfo, machineHome, multilineInput, saveDependencyCache } from "./common.js";
import { jobToolDir, toolCacheOf } from "./acquire.js";
import { acquirePython } from "./python-acquire.js";
import { cachedPythons, installedPythons, probePython, type InstalledPython } from "./python-interpreters.js";
import { pythonRequest, versionsFromFile, versionsFromPlainFile } from "./python-versions.js";
import { acquirePyPy } from "./pypy.js";
import { createVenv } from "./python-venv.js";

const STATE_PRIMARY_KEY = "cache-primary-key";
const STATE_MATCHED_KEY = "cache-matched-key";
const STATE_PATHS = "cache-paths";

const DEFAULT_DEPENDENCY_PATH = "**/requirements.txt";
const BACKUP_DEPENDENCY_PATH = "**/pyproject.toml";

function versionInput(run: BuiltinRun): string[] {
  const versions = multilineInput(run, "python-version");
  const versionFile = run.inputs["python-version-file"] ?? "";
  if (versions.length > 0) {
    if (versionFile) run.warning("Both python-version and python-version-file inputs are specified, only python-version will be used.");
    return versions;
  }
  if (versionFile) {
    const path = resolve(run.workspace, versionFile);
    if (!existsSync(path)) throw new BuiltinFailure(`The specified python version file at: ${versionFile} doesn't exist.`);
    let found: string[];
    try {
      found = versionsFromFile(versionFile, readFileSync(path, "utf8"));
    } catch (err) {
      throw new BuiltinFailure(`${versionFile}: ${(err as Error).message}`);
    }
    run.log(`Resolved ${versionFile} as ${found.join(", ")}`);
    return found;
  }
  run.log("[warning]Neither 'python-version' nor 'python-version-file' inputs were supplied. Attempting to find '.python-version' file.");
  const fallback = join(run.workspace, ".python-version");
  if (!existsSync(fallback)) {
    run.log("[warning].python-version doesn't exist.");
    return [];
  }
  const found = versionsFromPlainFile(readFileSync(fallback, "utf8"));
  run.log(`Resolved .python-version as ${found.join(", ")}`);
  return found;
}

/** The architecture names setup-python takes, as Node names them. */
function nodeArch(name: string): string {
  return ({ x86: "ia32", x64: "x64", arm64: "arm64", aarch64: "arm64", amd64: "x64" } as Record<string, string>)[name.toLowerCase()] ?? name;
}

function hasSharedLibpython(lib: string): boolean {
  try {
    return readdirSync(lib).some((n) => /^libpython3.*\.so/.test(n));
  } catch {
    return false;
  }
}

function exportEnvironment(run: BuiltinRun, base: InstalledPython, venvDir: string): void {
  for (const name of ["pythonLocation", "Python_ROOT_DIR", "Python2_ROOT_DIR", "Python3_ROOT_DIR"]) run.exportVariable(name, venvDir);
  run.exportVariable("PKG_CONFIG_PATH", join(base.prefix, "lib", "pkgconfig"));
  // The action prepends <prefix>/lib for the tool cache's shared libpython; a system
  // prefix such as /usr keeps libpython elsewhere and is better left out of the search path.
  const lib = join(base.prefix, "lib");
  const current = run.env["LD_LIBRARY_PATH"] ?? "";
  if (hasSharedLibpython(lib) && !current.split(":").includes(lib)) run.exportVariable("LD_LIBRARY_PATH", current ? `${lib}:${current}` : lib);
  run.addPath(join(venvDir, "bin"));
}

/** The pip configuration file of the user running tierci, the one pip itself would prefer. */
function userPipConfig(): string | undefined {
  const home = machineHome();
  const xdg = process.env["XDG_CONFIG_HOME"] || join(home, ".config");
  return [join(xdg, "pip", "pip.conf"), join(home, "Library", "Application Support", "pip", "pip.conf"), join(home, ".pip", "pip.conf")].find((p) =>
    existsSync(p),
  );
}

/** The interpreter a version names, and the label the action reports for it. */
async function interpreterFor(
  run: BuiltinRun,
  version: string,
  interpreters: InstalledPython[],
): Promise<{ base: InstalledPython; label: string; kind: string }> {
  if (version.startsWith("graalpy")) throw new BuiltinFailure(`${version}: GraalPy is not supported by tierci's setup-python; use a CPython or PyPy version`);
  const checkLatest = booleanInput(run, "check-latest");
  const allowPrereleases = booleanInput(run, "allow-prereleases");
  if (version.startsWith("pypy")) {
    const pypy = await acquirePyPy(run, version, arch(), { checkLatest, allowPrereleases });
    const base = await probePython({ path: join(pypy.dir, "bin", "python"), source: "tool cache" }, "pypy");
    if (!base) throw new BuiltinFailure(`the PyPy in ${pypy.dir} does not run, or cannot make a virtual environment`);
    return { base, label: `pypy${pypy.pythonVersion}-${pypy.pypyVersion}`, kind: "PyPy" };
  }
  if (version.startsWith("2"))
    run.warning("The support for python 2.7 was removed on June 19, 2023. Related issue: https://github.com/actions/setup-python/issues/672");
  const request = pythonRequest(version, allowPrereleases, booleanInput(run, "freethreaded"));
  const base = await acquirePython(run, { request, arch: arch(), checkLatest }, interpreters);
  return { base, label: `${base.version}${base.freethreaded ? "t" : ""}`, kind: "CPython" };
}

async function setUp(run: BuiltinRun, version: string, interpreters: InstalledPython[], updateEnvironment: boolean): Promise<string> {
  const { base, label, kind } = await interpreterFor(run, version, interpreters);
  const venv = await createVenv(base, jobToolDir(run, `venv-${label}`), run.signal);
  const how =
    venv.seeded === "existing"
      ? "reused from an earlier step"
      : `created in ${venv.ms} ms, pip ${venv.seeded === "copied" ? "copied from the interpreter" : "installed by ensurepip"}`;
  run.log(`Python ${label} from ${base.executable} (${base.source}); virtual environment ${venv.dir} (${how})`);
  // A job's HOME is its own, so pip would miss the index and links the user configured for
  // the machine, which a self-hosted runner's pip reads; the venv's site configuration
  // (<venv>/pip.conf) carries them to pip in this environment only.
  const pipConfig = userPipConfig();
  if (pipConfig && venv.created) {
    copyFileSync(pipConfig, join(venv.dir, "pip.conf"));
    run.log(`pip configuration ${pipConfig} applies in the virtual environment (${join(venv.dir, "pip.conf")})`);
  }
  if (updateEnvironment) exportEnvironment(run, base, venv.dir);
  run.setOutput("python-version", label);
  run.setOutput("python-path", venv.python);
  const pipVersion = run.inputs["pip-version"] ?? "";
  if (pipVersion) {
    if (!/^\d+(\.\d+)?(\.\d+)?$/.test(pipVersion))
      throw new BuiltinFailure(`Invalid pip-version "${pipVersion}". Please specify a version in the format major[.minor][.patch].`);
    run.log(`pip-version input is specified. Installing pip version ${pipVersion}`);
    await execLogged(
      run,
      venv.python,
      ["-m", "pip", "install", "--upgrade", `pip==${pipVersion}`, "--disable-pip-version-check", "--no-warn-script-location"],
      { env: { ...run.env } },
    );
  }
  run.log(`Successfully set up ${kind} (${label})`);
  return label;
}

/**
 * The pip cache goes to PIP_CACHE_DIR, set to the job's ~/.cache/pip (where pip puts it on a
 * GitHub runner) unless the workflow chose a directory itself, so the path saved is known and
 * belongs to this job, whatever the machine's own pip configuration says.
 */
function pipCacheDir(run: BuiltinRun): string {
  const chosen = run.env["PIP_CACHE_DIR"];
  if (chosen && chosen !== process.env["PIP_CACHE_DIR"]) return resolve(run.workspace, chosen);
  const dir = join(run.env["HOME"] ?? run.workspace, ".cache", "pip");
  run.exportVariable("PIP_CACHE_DIR", dir);
  return dir;
}

async function restorePipCache(run: BuiltinRun, pythonVersion: string): Promise<void> {
  const dependencyPath = run.inputs["cache-dependency-path"] || DEFAULT_DEPENDENCY_PATH;
  let hash: string;
  try {
    hash =
      hashFiles(run.workspace, ["--follow-symbolic-links", dependencyPath]) || hashFiles(run.workspace, ["--follow-symbolic-links", BACKUP_DEPENDENCY_PATH]);
  } catch (err) {
    throw new BuiltinFailure((err as Error).message);
  }
  if (!hash) {
    throw new BuiltinFailure(
      `No file in ${run.workspace} matched to [${dependencyPath.split("\n").join(",")} or ${BACKUP_DEPENDENCY_PATH}], make sure you have checked out the target repository`,
    );
  }
  const os = await linuxOsInfo();
  const osSegment = os ? `-${os.version}-${os.name}` : "";
  const prefix = `setup-python-${run.env["RUNNER_OS"] ?? ""}-${process.arch}${osSegment}-python-${pythonVersion}-pip`;
  const primaryKey = `${prefix}-${hash}`;
  const paths = [cachePathSpec(run, pipCacheDir(run))];
  run.saveState(STATE_PATHS, JSON.stringify(paths));
  const { hit, matchedKey } = await restoreCache(run, { key: primaryKey, restoreKeys: [prefix], paths });
  run.saveState(STATE_PRIMARY_KEY, primaryKey);
  if (matchedKey) {
    run.saveState(STATE_MATCHED_KEY, matchedKey);
    run.log(`Cache restored from key: ${matchedKey}`);
  } else {
    run.log("pip cache is not found");
  }
  run.setOutput("cache-hit", String(hit));
}

async function main(run: BuiltinRun): Promise<void> {
  const versions = versionInput(run);
  if (versions.length === 0) {
    run.warning("The `python-version` input is not set.  The version of Python currently in `PATH` will be used.");
    return;
  }
  const wanted = run.inputs["architecture"] ?? "";
  if (wanted && nodeArch(wanted) !== arch()) {
    throw new BuiltinFailure(`architecture ${wanted} is not available: jobs run on this machine, which is ${arch()}`);
  }
  const updateEnvironment = booleanInput(run, "update-environment");
  const interpreters = [...(await installedPythons()), ...(await cachedPythons(toolCacheOf(run), arch()))];
  let pythonVersion = "";
  for (const version of versions) pythonVersion = await setUp(run, version, interpreters, updateEnvironment);
  const cache = run.inputs["cache"] ?? "";
  if (cache === "pip") await restorePipCache(run, pythonVersion);
  else if (cache === "pipenv" || cache === "poetry") run.warning(`cache: ${cache} is not supported by tierci's setup-python, only pip is; nothing is cached`);
  else if (cache) throw new BuiltinFailure(`Caching for '${cache}' is not supported`);
}

async function post(run: BuiltinRun): Promise<void> {
  if (run.inputs["cache"] !== "pip") return;
  const pathsState = run.state[STATE_PATHS];
  if (!pathsState) {
    run.warning("Cache paths are empty. Please check the previous logs and make sure that the python version is specified");
    return;
  }
  const paths = JSON.parse(pathsState) as string[];
  if (!paths.some((p) => existsSync(cachePathOf(run, p)))) {
    run.warning(
      `Cache folder path is retrieved for pip but doesn't exist on disk: ${paths.join(", ")}. This likely indicates that there are no dependencies to cache. Consider removing the cache step if it is not needed.`,
    );
    return;
  }
  const primaryKey = run.state[STATE_PRIMARY_KEY];
  if (!primaryKey) {
    run.warning("Error retrieving key from state.");
    return;
  }
  await saveDependencyCache(run, primaryKey, run.state[STATE_MATCHED_KEY], paths);
}

export const setupPythonAction: BuiltinAction = {
  name: "actions/setup-python",
  inputs: {
    "python-version": { default: "" },
    "python-version-file": { default: "" },
    cache: { default: "" },
    architecture: { default: "" },
    "check-latest": { default: "false" },
    token: { default: "" },
    "cache-dependency-path": { default: "" },
    "update-environment": { default: "true" },
    "allow-prereleases": { default: "false" },
    freethreaded: { default: "false" },
    "pip-version": { default: "" },
  },
  main,
  post,
  postIf: "success()",
};
