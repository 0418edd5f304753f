// actions/setup-node (v3-v5): the machine's own Node.js installation when one matches, else
// the version downloaded into the shared tool cache (see node-acquire.ts). The chosen
// installation is not put on PATH by its own bin directory (for /usr/bin/node that would put
// all of /usr/bin ahead of the job's other tools): the job's own tool directory gets
// node-<version>/bin with links to its node, npm, npx and corepack, and npm's global prefix
// is that directory, so `npm install -g` stays inside the job instead of changing the
// machine's Node.js or the shared tool cache.
import { existsSync, readdirSync, realpathSync } from "node:fs";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { arch } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { hashFiles } from "../../expr/hash-files.js";
import { BuiltinFailure, type BuiltinAction, type BuiltinRun } from "../builtin-types.js";
import { pathLines, restoreCache } from "../cache/index.js";
import { walkSync } from "../cache/walk.js";
import { jobToolDir } from "./acquire.js";
import { cachePathSpec, execTool, findExecutable, saveDependencyCache } from "./common.js";
import { acquireNode } from "./node-acquire.js";
import { nodeVersionFromFile, NodeVersionFileError, type NodeInstall } from "./node-versions.js";

const STATE_PACKAGE_MANAGER = "SETUP_NODE_CACHE_PACKAGE_MANAGER";
const STATE_PRIMARY_KEY = "CACHE_KEY";
const STATE_MATCHED_KEY = "CACHE_RESULT";
const STATE_PATHS = "CACHE_PATHS";

const LOCK_FILES: Record<string, string[]> = {
  npm: ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock"],
  pnpm: ["pnpm-lock.yaml"],
  yarn: ["yarn.lock"],
};

function versionInput(run: BuiltinRun): string {
  const version = run.inputs["node-version"] ?? "";
  const versionFile = run.inputs["node-version-file"] ?? "";
  if (version && versionFile) run.warning("Both node-version and node-version-file inputs are specified, only node-version will be used");
  if (version || !versionFile) return version;
  const path = join(run.workspace, versionFile);
  let parsed: string | null;
  try {
    parsed = nodeVersionFromFile(path);
  } catch (err) {
    if (err instanceof NodeVersionFileError) throw new BuiltinFailure(err.message);
    throw err;
  }
  if (!parsed) run.warning(`Could not determine node version from ${path}. Falling back`);
  run.log(`Resolved ${versionFile} as ${parsed ?? ""}`);
  return parsed ?? "";
}

/** The file next to node (or in its prefix's node_modules) that a bin entry points to. */
function companion(install: NodeInstall, name: string, moduleFile: string): string | undefined {
  const real = realpathSync(install.executable);
  const prefix = dirname(dirname(real));
  for (const path of [join(dirname(install.executable), name), join(dirname(real), name), join(prefix, "lib", "node_modules", moduleFile)]) {
    if (existsSync(path)) return realpathSync(path);
  }
  return undefined;
}

async function jobBinDir(run: BuiltinRun, install: NodeInstall): Promise<{ prefix: string; bin: string }> {
  const prefix = jobToolDir(run, `node-${install.version}`);
  const bin = join(prefix, "bin");
  if (existsSync(join(bin, "node"))) return { prefix, bin };
  await mkdir(bin, { recursive: true });
  const links: [string, string | undefined][] = [
    ["node", realpathSync(install.executable)],
    ["npm", companion(install, "npm", "npm/bin/npm-cli.js")],
    ["npx", companion(install, "npx", "npm/bin/npx-cli.js")],
    ["corepack", companion(install, "corepack", "corepack/dist/corepack.js")],
  ];
  for (const [name, target] of links) if (target) await symlink(target, join(bin, name));
  return { prefix, bin };
}

function toolEnv(run: BuiltinRun, bin: string | undefined, extra: Record<string, string> = {}): Record<string, string> {
  const path = bin ? `${bin}${delimiter}${run.env["PATH"] ?? ""}` : (run.env["PATH"] ?? "");
  return { ...run.env, ...extra, PATH: path };
}

async function toolOutput(run: BuiltinRun, env: Record<string, string>, command: string, args: string[], cwd = run.workspace): Promise<string> {
  const file = findExecutable(command, env["PATH"] ?? "");
  if (!file)
    throw new BuiltinFailure(
      `Unable to locate executable file: ${command}. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable.`,
    );
  const r = await execTool(file, args, { env, cwd, signal: run.signal });
  if (r.code !== 0) throw new BuiltinFailure(r.stderr.trim() || `The '${command} ${args.join(" ")}' command failed with exit code: ${r.code}`);
  return r.stdout.trim();
}

async function cacheFolder(run: BuiltinRun, env: Record<string, string>, manager: string, projectDir?: string): Promise<string> {
  if (manager === "npm") {
    const dir = await toolOutput(run, env, "npm", ["config", "get", "cache"]);
    if (!dir) throw new BuiltinFailure("Could not get npm cache folder path");
    return dir;
  }
  if (manager === "pnpm") {
    const dir = await toolOutput(run, env, "pnpm", ["store", "path", "--silent"]);
    if (!dir) throw new BuiltinFailure("Could not get pnpm cache folder path");
    return dir;
  }
  const version = await toolOutput(run, env, "yarn", ["--version"], projectDir);
  if (!version) throw new BuiltinFailure("Could not retrieve version of yarn");
  const dir = await toolOutput(run, env, "yarn", version.startsWith("1.") ? ["cache", "dir"] : ["config", "get", "cacheFolder"], projectDir);
  if (!dir) throw new BuiltinFailure(`Could not get yarn cache folder path for ${projectDir ?? run.workspace}`);
  return dir;
}

/** Directories holding the files cache-dependency-path names: the yarn projects to ask. */
function projectDirs(run: BuiltinRun, dependencyPath: string): string[] {
  const files = walkSync(pathLines(dependencyPath), { workspace: run.workspace, home: run.env["HOME"] ?? "" }).filter((i) => i.type === "file");
  const dirs = [...new Set(files.map((f) => realpathSync(dirname(f.abs))))];
  if (dirs.length === 0) run.warning(`No existing directories found containing cache-dependency-path="${dependencyPath}"`);
  return dirs;
}

/** Yarn 2+ projects keeping a local (not global) cache may restore an older entry. */
async function yarnBerryManaged(run: BuiltinRun, env: Record<string, string>, dirs: string[]): Promise<boolean> {
  for (const dir of dirs.length > 0 ? dirs : [run.workspace]) {
    if (existsSync(join(dir, ".yarn", "cache"))) return false;
    const global = await toolOutput(run, env, "yarn", ["config", "get", "enableGlobalCache"], dir);
    if (!global.includes("false")) return false;
  }
  return true;
}

async function restoreNodeCache(run: BuiltinRun, manager: string, env: Record<string, string>): Promise<void> {
  const lockFiles = LOCK_FILES[manager];
  if (!lockFiles) throw new BuiltinFailure(`Caching for '${manager}' is not supported`);
  const dependencyPath = run.inputs["cache-dependency-path"] ?? "";
  const yarnProjects = manager === "yarn" && dependencyPath ? projectDirs(run, dependencyPath) : [];
  const folders =
    yarnProjects.length > 0 ? await Promise.all(yarnProjects.map((d) => cacheFolder(run, env, manager, d))) : [await cacheFolder(run, env, manager)];
  const paths = [...new Set(folders)].map((p) => cachePathSpec(run, p));
  run.saveState(STATE_PATHS, JSON.stringify(paths));
  let lockPattern = dependencyPath;
  if (!lockPattern) {
    const root = readdirSync(run.workspace);
    const found = lockFiles.find((f) => root.includes(f));
    if (!found) throw new BuiltinFailure(`Dependencies lock file is not found in ${run.workspace}. Supported file patterns: ${lockFiles.join(",")}`);
    lockPattern = join(run.workspace, found);
  }
  let hash: string;
  try {
    hash = hashFiles(run.workspace, ["--follow-symbolic-links", lockPattern]);
  } catch (err) {
    throw new BuiltinFailure((err as Error).message);
  }
  if (!hash) throw new BuiltinFailure("Some specified paths were not resolved, unable to cache dependencies.");
  const keyPrefix = `node-cache-${run.env["RUNNER_OS"] ?? ""}-${arch()}-${manager}`;
  const primaryKey = `${keyPrefix}-${hash}`;
  run.saveState(STATE_PRIMARY_KEY, primaryKey);
  run.setOutput("cache-primary-key", primaryKey);
  const restoreKeys = manager === "yarn" && (await yarnBerryManaged(run, env, yarnProjects)) ? [keyPrefix] : [];
  if (restoreKeys.length > 0) run.log("All dependencies are managed locally by yarn3, the previous cache can be used");
  const { matchedKey } = await restoreCache(run, { key: primaryKey, restoreKeys, paths });
  run.setOutput("cache-hit", String(matchedKey !== null));
  run.setOutput("cache-matched-key", matchedKey ?? "");
  if (!matchedKey) {
    run.log(`${manager} cache is not found`);
    return;
  }
  run.saveState(STATE_MATCHED_KEY, matchedKey);
  run.log(`Cache restored from key: ${matchedKey}`);
}

/** As the action's registry-url: a .npmrc in RUNNER_TEMP that reads the token from NODE_AUTH_TOKEN. */
async function configureRegistry(run: BuiltinRun, registryUrl: string): Promise<void> {
  const url = registryUrl.endsWith("/") ? registryUrl : `${registryUrl}/`;
  let scope = run.inputs["scope"] ?? "";
  if (!scope && url.includes("npm.pkg.github.com")) scope = run.repository.split("/")[0] ?? "";
  if (scope && !scope.startsWith("@")) scope = `@${scope}`;
  if (scope) scope = `${scope.toLowerCase()}:`;
  const npmrc = join(run.env["RUNNER_TEMP"] ?? run.workspace, ".npmrc");
  const kept = (await readFile(npmrc, "utf8").catch(() => null))
    ?.split("\n")
    .filter((line) => !line.toLowerCase().startsWith(`${scope}registry`))
    .map((line) => `${line}\n`)
    .join("");
  const auth = `${url.replace(/(^\w+:|^)/, "")}:_authToken=\${NODE_AUTH_TOKEN}`;
  await writeFile(npmrc, `${kept ?? ""}${auth}\n${scope}registry=${url}`);
  run.exportVariable("NPM_CONFIG_USERCONFIG", npmrc);
  const token = run.env["NODE_AUTH_TOKEN"];
  if (token !== undefined) run.exportVariable("NODE_AUTH_TOKEN", token);
}

async function versionOf(run: BuiltinRun, env: Record<string, string>, tool: string): Promise<string> {
  const file = findExecutable(tool, env["PATH"] ?? "");
  if (!file) return "";
  const r = await execTool(file, ["--version"], { env, cwd: run.workspace, signal: run.signal });
  return r.code === 0 ? r.stdout.trim() : "";
}

async function main(run: BuiltinRun): Promise<void> {
  const version = versionInput(run);
  const wanted = run.inputs["architecture"] ?? "";
  if (wanted && !version) {
    run.warning(
      "`architecture` is provided but `node-version` is missing. In this configuration, the version/architecture of Node will not be changed. To fix this, provide `architecture` in combination with `node-version`",
    );
  }
  let bin: string | undefined;
  let extra: Record<string, string> = {};
  if (version) {
    // setup-node takes os.arch() names, and x86 for Node's ia32.
    const targetArch = !wanted ? arch() : wanted === "x86" ? "ia32" : wanted;
    const install = await acquireNode(run, {
      spec: version,
      arch: targetArch,
      checkLatest: (run.inputs["check-latest"] ?? "").toLowerCase() === "true",
      mirror: run.inputs["mirror"] ?? "",
      mirrorToken: run.inputs["mirror-token"] ?? "",
    });
    const dirs = await jobBinDir(run, install);
    bin = dirs.bin;
    extra = { npm_config_prefix: dirs.prefix };
    run.log(`Node.js v${install.version} from ${install.executable} (${install.source}), linked in ${dirs.bin}`);
    run.exportVariable("npm_config_prefix", dirs.prefix);
    run.addPath(dirs.bin);
  }
  const env = toolEnv(run, bin, extra);
  const [node, npm, yarn] = await Promise.all(["node", "npm", "yarn"].map((t) => versionOf(run, env, t)));
  run.setOutput("node-version", node ?? "");
  run.log(`node: ${node ?? ""}`);
  run.log(`npm: ${npm ?? ""}`);
  run.log(`yarn: ${yarn ?? ""}`);
  const registryUrl = run.inputs["registry-url"] ?? "";
  if (registryUrl) await configureRegistry(run, registryUrl);
  const cache = run.inputs["cache"] ?? "";
  if (cache) {
    run.saveState(STATE_PACKAGE_MANAGER, cache);
    await restoreNodeCache(run, cache, env);
  }
}

async function post(run: BuiltinRun): Promise<void> {
  const manager = run.state[STATE_PACKAGE_MANAGER];
  if (!manager || !LOCK_FILES[manager]) return;
  const paths = JSON.parse(run.state[STATE_PATHS] ?? "[]") as string[];
  if (paths.length === 0)
    throw new BuiltinFailure(`Cache folder paths are not retrieved for ${manager} with cache-dependency-path = ${run.inputs["cache-dependency-path"] ?? ""}`);
  await saveDependencyCache(run, run.state[STATE_PRIMARY_KEY] ?? "", run.state[STATE_MATCHED_KEY], paths);
}

export const setupNodeAction: BuiltinAction = {
  name: "actions/setup-node",
  inputs: {
    "always-auth": { default: "false" },
    "node-version": { default: "" },
    "node-version-file": { default: "" },
    architecture: { default: "" },
    "check-latest": { default: "false" },
    "registry-url": { default: "" },
    scope: { default: "" },
    token: { default: "" },
    cache: { default: "" },
    "package-manager-cache": { default: "true" },
    "cache-dependency-path": { default: "" },
    mirror: { default: "" },
    "mirror-token": { default: "" },
  },
  main,
  post,
  postIf: "success()",
};
