// astral-sh/setup-uv (v1-v6) with the uv installed on this machine; nothing is downloaded.
// A `version` (or version file) that the installed uv does not satisfy is a warning, not a
// failure: the run can only use the uv that is here, and the difference rarely matters to
// the steps, so the warning says what differs and the job goes on.
//
// uv itself is linked into the job's own tool directory (uv-<version>/bin) rather than putting
// its own directory (often ~/.local/bin or /usr/local/bin) ahead of the job's PATH. As on a
// self-hosted runner, UV_PYTHON_INSTALL_DIR is the machine user's uv Python directory, so
// the Pythons uv manages on this machine stay visible to jobs whose HOME is their own.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { mkdir, symlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { hashFiles } from "../../expr/hash-files.js";
import { BuiltinFailure, type BuiltinAction, type BuiltinRun } from "../builtin-types.js";
import { restoreCache, saveCache } from "../cache/index.js";
import { jobToolDir } from "./acquire.js";
import { cachePathOf, cachePathSpec, execLogged, execTool, isExecutable, machineHome } from "./common.js";
import { findUv, parseUvVersion, tomlValue, uvVersionFromFile, uvVersionSatisfies } from "./uv-versions.js";

const STATE_CACHE_KEY = "cache-key";
const STATE_MATCHED_KEY = "cache-matched-key";
const STATE_CACHE_PATH = "cache-path";
const STATE_UV_PATH = "uv-path";
const STATE_UV_VERSION = "uv-version";

const CACHE_VERSION = "2";

const DEFAULT_CACHE_DEPENDENCY_GLOB = [
  "**/*requirements*.txt",
  "**/*requirements*.in",
  "**/*constraints*.txt",
  "**/*constraints*.in",
  "**/pyproject.toml",
  "**/uv.lock",
  "**/*.py.lock",
].join("\n");

function versionRequest(run: BuiltinRun, workingDirectory: string): { specifier: string; source: string } {
  const input = run.inputs["version"] ?? "";
  if (input) return { specifier: input, source: "the version input" };
  const file = run.inputs["version-file"] ?? "";
  if (file) {
    const path = resolve(workingDirectory, file);
    const specifier = uvVersionFromFile(path);
    if (specifier === undefined) throw new BuiltinFailure(`Could not determine uv version from file: ${path}`);
    return { specifier, source: file };
  }
  for (const name of ["uv.toml", "pyproject.toml"]) {
    const specifier = uvVersionFromFile(join(workingDirectory, name));
    if (specifier !== undefined) return { specifier, source: name };
  }
  return { specifier: "latest", source: "the default" };
}

function enableCache(run: BuiltinRun): boolean {
  const input = run.inputs["enable-cache"] ?? "auto";
  if (input !== "auto") return input === "true";
  // setup-uv caches by default only on GitHub-hosted runners; tierci's jobs are self-hosted.
  return run.env["RUNNER_ENVIRONMENT"] === "github-hosted";
}

/** Where uv's cache lives and whether setup-uv should export UV_CACHE_DIR for it. */
function cacheLocalPath(run: BuiltinRun, workingDirectory: string, cacheEnabled: boolean): { path: string; fromConfig: boolean } | undefined {
  const input = run.inputs["cache-local-path"] ?? "";
  if (input) return { path: resolve(workingDirectory, input.replace(/^~/, run.env["HOME"] ?? "~")), fromConfig: false };
  const versionFile = run.inputs["version-file"] ?? "";
  for (const name of [versionFile, "uv.toml", "pyproject.toml"]) {
    if (!name) continue;
    const path = resolve(workingDirectory, name);
    if (!path.endsWith(".toml") || !existsSync(path)) continue;
    const dir = tomlValue(path, "cache-dir");
    if (dir !== undefined) return { path: dir, fromConfig: true };
  }
  const env = run.env["UV_CACHE_DIR"];
  if (env !== undefined) return { path: env, fromConfig: false };
  if (cacheEnabled) return { path: join(run.env["HOME"] ?? machineHome(), ".cache", "uv"), fromConfig: false };
  return undefined;
}

async function linkUv(run: BuiltinRun, uv: string, version: string): Promise<string> {
  const bin = join(jobToolDir(run, `uv-${version}`), "bin");
  if (!existsSync(join(bin, "uv"))) {
    await mkdir(bin, { recursive: true });
    await symlink(uv, join(bin, "uv"));
    const uvx = join(dirname(uv), "uvx");
    if (isExecutable(uvx)) await symlink(uvx, join(bin, "uvx"));
  }
  return bin;
}

async function pythonVersion(run: BuiltinRun, uv: string, workingDirectory: string, env: Record<string, string>): Promise<string> {
  if (run.inputs["python-version"]) return run.inputs["python-version"];
  const found = await execTool(uv, ["python", "find", "--directory", workingDirectory], { env, cwd: workingDirectory, signal: run.signal });
  if (found.code !== 0) return "unknown";
  const version = await execTool(found.stdout.trim(), ["--version"], { env, signal: run.signal });
  return version.code === 0 ? (`${version.stdout}${version.stderr}`.trim().split(" ")[1] ?? "unknown") : "unknown";
}

async function computeKey(run: BuiltinRun, python: string, workingDirectory: string): Promise<string> {
  // Lines are relative to the working directory; the action makes them absolute, `!` kept.
  const glob = (run.inputs["cache-dependency-glob"] ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .map((l) => (l.startsWith("!") ? `!${resolve(workingDirectory, l.slice(1))}` : resolve(workingDirectory, l)))
    .join("\n");
  let hash = "-";
  if (glob !== "") {
    run.log(`Searching files using cache dependency glob: ${glob.split("\n").join(",")}`);
    try {
      hash += hashFiles(run.workspace, ["--follow-symbolic-links", glob]);
    } catch (err) {
      throw new BuiltinFailure((err as Error).message);
    }
    if (hash === "-")
      run.warning(
        `No file matched to [${glob.split("\n").join(",")}]. The cache will never get invalidated. Make sure you have checked out the target repository and configured the cache-dependency-glob input correctly.`,
      );
  }
  if (hash === "-") hash = "-no-dependency-glob";
  const suffix = run.inputs["cache-suffix"] ? `-${encodeURIComponent(run.inputs["cache-suffix"])}` : "";
  const arch =
    ({ arm64: "aarch64", ia32: "i686", x64: "x86_64", ppc64: "powerpc64le", s390x: "s390x", riscv64: "riscv64gc" } as Record<string, string>)[process.arch] ??
    process.arch;
  let platform =
    ({ darwin: "apple-darwin", linux: "unknown-linux-gnu", win32: "pc-windows-msvc" } as Record<string, string>)[process.platform] ?? process.platform;
  if (platform === "unknown-linux-gnu") {
    const ldd = await execTool("ldd", ["--version"]);
    if (`${ldd.stdout}${ldd.stderr}`.includes("musl")) platform = "unknown-linux-musl";
  }
  const pruned = run.inputs["prune-cache"] === "true" ? "-pruned" : "";
  return `setup-uv-${CACHE_VERSION}-${arch}-${platform}-${osNameVersion()}-${encodeURIComponent(python)}${pruned}${hash}${suffix}`;
}

/** ID-VERSION_ID of os-release, as setup-uv keys its caches (debian-12, ubuntu-24.04). */
function osNameVersion(): string {
  let idOnly: string | undefined;
  for (const file of ["/etc/os-release", "/usr/lib/os-release"]) {
    let content: string;
    try {
      content = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const field = (key: string) => new RegExp(`^${key}=["']?([^"'\\n]*)["']?$`, "m").exec(content)?.[1];
    const id = field("ID");
    const version = field("VERSION_ID") ?? field("VERSION_CODENAME") ?? field("BUILD_ID");
    if (id && version) return `${id}-${version}`;
    idOnly ??= id;
  }
  return idOnly ?? process.platform;
}

async function main(run: BuiltinRun): Promise<void> {
  const workingDirectory = resolve(run.workspace, run.inputs["working-directory"] || ".");
  if (existsSync(workingDirectory) && readdirSync(workingDirectory).length === 0) {
    if (run.inputs["ignore-empty-workdir"] === "true") run.log("Empty workdir detected. Ignoring because ignore-empty-workdir is enabled");
    else run.warning("Empty workdir detected. This may cause unexpected behavior. You can enable ignore-empty-workdir to mute this warning.");
  }
  const found = findUv(run.env["PATH"] ?? "");
  if (!found) {
    throw new BuiltinFailure(
      "uv was not found on this machine (PATH, ~/.local/bin, ~/.cargo/bin). tierci uses the uv installed on the machine and downloads nothing; install it, e.g. `pip install uv`, `pipx install uv` or `curl -LsSf https://astral.sh/uv/install.sh | sh`",
    );
  }
  const versionOutput = await execTool(found, ["--version"], { signal: run.signal });
  const version = parseUvVersion(versionOutput.stdout);
  if (versionOutput.code !== 0 || !version) throw new BuiltinFailure(`${found} --version failed: ${(versionOutput.stderr || versionOutput.stdout).trim()}`);
  const request = versionRequest(run, workingDirectory);
  const satisfied = uvVersionSatisfies(version, request.specifier);
  if (satisfied === false)
    run.warning(
      `uv ${version} (${found}) does not match '${request.specifier}' from ${request.source}; tierci uses the uv installed on this machine and downloads nothing`,
    );
  else if (satisfied === undefined) run.log(`Cannot tell whether uv ${version} matches '${request.specifier}' from ${request.source}; using it`);
  if ((run.inputs["checksum"] ?? "") !== "") run.log("checksum: ignored, nothing is downloaded");

  const noModifyPath = run.env["UV_NO_MODIFY_PATH"] !== undefined;
  const exported: Record<string, string> = {};
  const exportVariable = (name: string, value: string) => {
    exported[name] = value;
    run.exportVariable(name, value);
  };
  const prepended: string[] = [];
  const addPath = (dir: string) => {
    prepended.unshift(dir);
    run.addPath(dir);
  };
  const toolBinDir = run.inputs["tool-bin-dir"] ? resolve(workingDirectory, run.inputs["tool-bin-dir"].replace(/^~/, run.env["HOME"] ?? "~")) : undefined;
  if (toolBinDir) exportVariable("UV_TOOL_BIN_DIR", toolBinDir);
  if (!noModifyPath)
    addPath(
      toolBinDir ??
        run.env["XDG_BIN_HOME"] ??
        (run.env["XDG_DATA_HOME"] ? `${run.env["XDG_DATA_HOME"]}/../bin` : join(run.env["HOME"] ?? machineHome(), ".local", "bin")),
    );
  const bin = await linkUv(run, found, version);
  const uv = join(bin, "uv");
  run.setOutput("uv-path", uv);
  run.setOutput("uvx-path", join(bin, "uvx"));
  run.saveState(STATE_UV_PATH, uv);
  if (noModifyPath) run.log("UV_NO_MODIFY_PATH is set, not modifying PATH");
  else addPath(bin);
  if (run.inputs["tool-dir"]) exportVariable("UV_TOOL_DIR", resolve(workingDirectory, run.inputs["tool-dir"].replace(/^~/, run.env["HOME"] ?? "~")));
  const dataHome = process.env["XDG_DATA_HOME"] || join(machineHome(), ".local", "share");
  const pythonDir = run.env["UV_PYTHON_INSTALL_DIR"] ?? join(dataHome, "uv", "python");
  exportVariable("UV_PYTHON_INSTALL_DIR", pythonDir);
  if (!noModifyPath) addPath(pythonDir);
  if (run.inputs["python-version"]) {
    exportVariable("UV_PYTHON", run.inputs["python-version"]);
    run.log(`Set UV_PYTHON to ${run.inputs["python-version"]}`);
  }
  const cacheEnabled = enableCache(run);
  const cachePath = cacheLocalPath(run, workingDirectory, cacheEnabled);
  if (cachePath && !cachePath.fromConfig) exportVariable("UV_CACHE_DIR", cachePath.path);
  const env = { ...run.env, ...exported, PATH: [...prepended, run.env["PATH"] ?? ""].join(":") };

  if (run.inputs["activate-environment"] === "true") {
    if (noModifyPath) throw new BuiltinFailure("UV_NO_MODIFY_PATH and activate-environment cannot be used together.");
    const venv = resolve(workingDirectory, (run.inputs["venv-path"] || ".venv").replace(/^~/, run.env["HOME"] ?? "~"));
    run.log(`Creating and activating python venv at ${venv}...`);
    const args = ["venv", venv, "--directory", workingDirectory, "--clear"];
    if (run.inputs["no-project"] === "true") args.push("--no-project");
    await execLogged(run, uv, args, { env, cwd: workingDirectory });
    run.addPath(join(venv, "bin"));
    run.exportVariable("VIRTUAL_ENV", venv);
    run.setOutput("venv", venv);
  } else if (run.inputs["venv-path"]) {
    run.warning("venv-path is only used when activate-environment is true");
  }

  run.setOutput("uv-version", version);
  run.saveState(STATE_UV_VERSION, version);
  run.log(`Using uv ${version} from ${found}`);
  const python = await pythonVersion(run, uv, workingDirectory, env);
  run.setOutput("python-version", python);
  if (!cacheEnabled) return;
  const key = await computeKey(run, python, workingDirectory);
  run.saveState(STATE_CACHE_KEY, key);
  run.setOutput("cache-key", key);
  run.setOutput("python-cache-hit", "false");
  if (run.inputs["cache-python"] === "true") run.warning("cache-python is not supported: the Pythons uv manages stay in the machine's own directory");
  if (run.inputs["restore-cache"] === "false") {
    run.log("restore-cache is false. Skipping restore cache step.");
    return;
  }
  if (!cachePath) throw new BuiltinFailure("cache-local-path is not set. Cannot restore cache without a valid cache path.");
  const spec = cachePathSpec(run, resolve(workingDirectory, cachePath.path));
  run.saveState(STATE_CACHE_PATH, spec);
  run.log(`Trying to restore cache from GitHub Actions cache with key: ${key}`);
  const { matchedKey } = await restoreCache(run, { key, restoreKeys: [], paths: [spec] });
  run.setOutput("cache-hit", String(matchedKey !== null));
  if (!matchedKey) {
    run.log(`No GitHub Actions cache found for key: ${key}`);
    return;
  }
  run.saveState(STATE_MATCHED_KEY, matchedKey);
  run.log(`cache restored from GitHub Actions cache with key: ${matchedKey}`);
}

async function post(run: BuiltinRun): Promise<void> {
  if (!enableCache(run)) return;
  if (run.inputs["save-cache"] === "false") {
    run.log("save-cache is false. Skipping save cache step.");
    return;
  }
  const key = run.state[STATE_CACHE_KEY];
  if (!key) {
    run.warning("Error retrieving cache key from state.");
    return;
  }
  if (run.state[STATE_MATCHED_KEY] === key) {
    run.log(`Cache hit occurred on key ${key}, not saving cache.`);
    return;
  }
  const uv = run.state[STATE_UV_PATH];
  if (run.inputs["prune-cache"] === "true" && uv) {
    const force = uvVersionSatisfies(run.state[STATE_UV_VERSION] ?? "", ">=0.8.24") === true;
    run.log("Pruning cache...");
    await execLogged(run, uv, ["cache", "prune", "--ci", ...(force ? ["--force"] : [])], { env: { ...run.env }, cwd: run.workspace });
  }
  const spec = run.state[STATE_CACHE_PATH];
  if (!spec) return;
  const path = cachePathOf(run, spec);
  if (!existsSync(path)) {
    if (run.inputs["ignore-nothing-to-cache"] === "true") {
      run.log("No cacheable uv cache paths were found. Ignoring because ignore-nothing-to-cache is enabled.");
      return;
    }
    throw new BuiltinFailure(
      `Cache path ${path} does not exist on disk. This likely indicates that there are no dependencies to cache. Consider disabling the cache input if it is not needed.`,
    );
  }
  run.log(`Including uv cache path: ${path}`);
  const saved = await saveCache(run, { key, paths: [spec] });
  if (saved.saved) run.log(`uv cache saved with key: ${key}`);
}

export const setupUvAction: BuiltinAction = {
  name: "astral-sh/setup-uv",
  inputs: {
    version: { default: "" },
    "version-file": { default: "" },
    "python-version": { default: "" },
    "activate-environment": { default: "false" },
    "venv-path": { default: "" },
    "no-project": { default: "false" },
    "working-directory": { default: "" },
    checksum: { default: "" },
    "github-token": { default: "" },
    "enable-cache": { default: "auto" },
    "cache-dependency-glob": { default: DEFAULT_CACHE_DEPENDENCY_GLOB },
    "restore-cache": { default: "true" },
    "save-cache": { default: "true" },
    "cache-suffix": { default: "" },
    "cache-local-path": { default: "" },
    "prune-cache": { default: "false" },
    "cache-python": { default: "false" },
    "ignore-nothing-to-cache": { default: "false" },
    "ignore-empty-workdir": { default: "false" },
    "tool-dir": { default: "" },
    "tool-bin-dir": { default: "" },
    "manifest-file": { default: "" },
    "download-from-astral-mirror": { default: "true" },
    "add-problem-matchers": { default: "true" },
    quiet: { default: "false" },
    "resolution-strategy": { default: "highest" },
    "server-url": { default: "" },
  },
  main,
  post,
  postIf: "success()",
};
