// actions/setup-go (v4-v6). A Go installation of the machine or of the tool cache that
// satisfies go-version is used; `stable`, `oldstable` and check-latest ask go.dev's release
// list; anything else is downloaded (SHA-256 from the list) into the tool cache as
// go/<version>/<arch>. As the action does, GOTOOLCHAIN=local keeps `go` from fetching
// another toolchain, GOPATH/bin goes on PATH, and the module and build caches are cached.
import { existsSync, readdirSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { arch as osArch } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { hashFiles } from "../../expr/hash-files.js";
import { fetchJson, fetchOnce, redactUrl } from "../../toolcache/http.js";
import { ensureTool, singleEntry } from "../../toolcache/install.js";
import { BuiltinFailure, type BuiltinAction, type BuiltinRun } from "../builtin-types.js";
import { restoreCache } from "../cache/index.js";
import { indexOrInstalled, installing, toolCacheOf } from "./acquire.js";
import { booleanInput, cachePathOf, cachePathSpec, execTool, findExecutable, saveDependencyCache } from "./common.js";
import { cachedGos, findGo, findGoRelease, goVersionFromFile, machineGos, resolveGoAlias, type GoInstall, type GoRelease } from "./go-versions.js";
import { compareVersions, parseVersion } from "./version-spec.js";

const STATE_PRIMARY_KEY = "CACHE_KEY";
const STATE_MATCHED_KEY = "CACHE_RESULT";
const DEFAULT_BASE_URL = "https://go.dev/dl";

function versionInput(run: BuiltinRun): string {
  const version = run.inputs["go-version"] ?? "";
  const versionFile = run.inputs["go-version-file"] ?? "";
  if (version && versionFile) run.warning("Both go-version and go-version-file inputs are specified, only go-version will be used");
  if (version || !versionFile) return version;
  const path = resolve(run.workspace, versionFile);
  if (!existsSync(path)) throw new BuiltinFailure(`The specified go version file at: ${versionFile} does not exist`);
  return goVersionFromFile(path, run.env["GOTOOLCHAIN"]);
}

interface GoNeed {
  spec: string;
  arch: string;
  checkLatest: boolean;
  baseUrl: string;
}

async function acquireGo(run: BuiltinRun, need: GoNeed): Promise<GoInstall> {
  const root = toolCacheOf(run);
  const local = [...machineGos(), ...cachedGos(root, need.arch)];
  const alias = need.spec === "stable" || need.spec === "oldstable";
  const here = alias ? undefined : findGo(need.spec, local);
  if (here && !need.checkLatest) return here;
  const indexUrl = `${need.baseUrl}/?mode=json&include=all`;
  const missing = {
    what: `Go ${need.spec} (${need.arch})`,
    installed: `installed: ${[...new Set(local.map((g) => g.version))].join(", ") || "none"}`,
    url: indexUrl,
    installHint: `go install golang.org/dl/go${need.spec}@latest`,
  };
  const got = await indexOrInstalled(
    run,
    "Go releases",
    () => fetchOnce(indexUrl, () => fetchJson<GoRelease[]>(indexUrl)),
    here,
    (g) => `Go ${g.version}`,
    missing,
  );
  if ("installed" in got) return got.installed;
  const releases = got.index;
  let spec = need.spec;
  if (alias) {
    const resolved = resolveGoAlias(spec, releases, process.platform, need.arch);
    if (!resolved) throw new BuiltinFailure(`Unable to find Go version '${spec}' for platform ${process.platform} and architecture ${need.arch}.`);
    run.log(`${spec} version resolved as ${resolved}`);
    spec = resolved;
  }
  const found = findGoRelease(spec, releases, process.platform, need.arch);
  if (!found) throw new BuiltinFailure(`Unable to find Go version '${spec}' for platform ${process.platform} and architecture ${need.arch}.`);
  const installed = local.find((g) => g.version === found.version);
  if (installed) return installed;
  if (!found.file.sha256) throw new BuiltinFailure(`${redactUrl(indexUrl)} gives no sha256 for ${found.file.filename}, so it cannot be verified`);
  const sha256 = found.file.sha256;
  run.log(`Go ${found.version} is not installed here; installing it into the tool cache ${root}`);
  const dir = await installing(run, `Go ${found.version}`, async () => {
    const key = { tool: "go", version: found.version, arch: need.arch };
    const result = await ensureTool(root, key, { signal: run.signal, log: run.log }, async (stage) =>
      singleEntry(await stage.unpack({ url: `${need.baseUrl}/${found.file.filename}`, checksum: { algorithm: "sha256", hex: sha256 } }, "go")),
    );
    return result.dir;
  });
  return { version: found.version, dir, source: "tool cache" };
}

async function goOutput(run: BuiltinRun, env: Record<string, string>, args: string[]): Promise<string> {
  const go = findExecutable("go", env["PATH"] ?? "");
  if (!go)
    throw new BuiltinFailure(
      "Unable to locate executable file: go. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable.",
    );
  const r = await execTool(go, args, { env, cwd: run.workspace, signal: run.signal });
  if (r.code !== 0) throw new BuiltinFailure(r.stderr.trim() || `The 'go ${args.join(" ")}' command failed with exit code: ${r.code}`);
  return r.stdout.trim();
}

/** `go version go1.22.1 linux/amd64` -> 1.22.1 */
export function parseGoVersion(output: string): string {
  return (output.split(" ")[2] ?? "").replace(/^go/, "");
}

async function restoreGoCache(run: BuiltinRun, env: Record<string, string>, goVersion: string): Promise<void> {
  const folders = (await Promise.all(["GOMODCACHE", "GOCACHE"].map((v) => goOutput(run, env, ["env", v]).catch(() => "")))).filter(Boolean);
  if (folders.length === 0) throw new Error("Could not get cache folder paths.");
  let pattern = run.inputs["cache-dependency-path"] ?? "";
  if (!pattern) {
    if (!readdirSync(run.workspace).includes("go.mod")) throw new Error(`Dependencies file is not found in ${run.workspace}. Supported file pattern: go.mod`);
    pattern = join(run.workspace, "go.mod");
  }
  const hash = hashFiles(run.workspace, [pattern]);
  if (!hash) throw new Error("Some specified paths were not resolved, unable to cache dependencies.");
  // `${ImageOS}-` as the action spells it, which on a self-hosted runner (no ImageOS) is "undefined-".
  const linux = run.env["RUNNER_OS"] === "Linux" ? `${run.env["ImageOS"] ?? "undefined"}-` : "";
  const primaryKey = `setup-go-${run.env["RUNNER_OS"] ?? ""}-${process.arch}-${linux}go-${goVersion}-${hash}`;
  run.saveState(STATE_PRIMARY_KEY, primaryKey);
  const paths = folders.map((f) => cachePathSpec(run, f));
  run.saveState("CACHE_PATHS", JSON.stringify(paths));
  const { matchedKey } = await restoreCache(run, { key: primaryKey, restoreKeys: [], paths });
  run.setOutput("cache-hit", String(matchedKey !== null));
  if (!matchedKey) {
    run.log("Cache is not found");
    return;
  }
  run.saveState(STATE_MATCHED_KEY, matchedKey);
  run.log(`Cache restored from key: ${matchedKey}`);
}

async function main(run: BuiltinRun): Promise<void> {
  const spec = versionInput(run);
  run.exportVariable("GOTOOLCHAIN", "local");
  const cache = booleanInput(run, "cache");
  run.log(`Setup go version spec ${spec}`);
  const arch = run.inputs["architecture"] || osArch();
  let path = run.env["PATH"] ?? "";
  if (spec) {
    const baseUrl = (run.inputs["go-download-base-url"] || run.env["GO_DOWNLOAD_BASE_URL"] || DEFAULT_BASE_URL).replace(/\/+$/, "");
    const go = await acquireGo(run, { spec, arch, checkLatest: booleanInput(run, "check-latest"), baseUrl });
    run.log(`Go ${go.version} from ${go.dir} (${go.source})`);
    run.addPath(join(go.dir, "bin"));
    path = `${join(go.dir, "bin")}${delimiter}${path}`;
    run.log("Added go to the path");
    const semantic = parseVersion(go.version);
    if (semantic && compareVersions(semantic, { major: 1, minor: 9, patch: 0, prerelease: [] }) < 0) {
      run.log("Setting GOROOT for Go version < 1.9");
      run.exportVariable("GOROOT", go.dir);
    }
    run.log(`Successfully set up Go version ${spec}`);
  } else {
    run.log("[warning]go-version input was not specified. The action will try to use pre-installed version.");
  }
  const env = { ...run.env, PATH: path, GOTOOLCHAIN: "local" };
  const gopath = await goOutput(run, env, ["env", "GOPATH"]).catch(() => "");
  if (gopath) {
    await mkdir(join(gopath, "bin"), { recursive: true });
    run.addPath(join(gopath, "bin"));
  }
  const versionLine = await goOutput(run, env, ["version"]);
  const goVersion = parseGoVersion(versionLine);
  if (cache) {
    try {
      await restoreGoCache(run, env, goVersion);
    } catch (err) {
      if (err instanceof BuiltinFailure) throw err;
      run.warning(`Restore cache failed: ${(err as Error).message}`);
    }
  }
  run.log(versionLine);
  run.setOutput("go-version", goVersion);
}

async function post(run: BuiltinRun): Promise<void> {
  if (!booleanInput(run, "cache")) return;
  const primaryKey = run.state[STATE_PRIMARY_KEY];
  const paths = JSON.parse(run.state["CACHE_PATHS"] ?? "[]") as string[];
  if (paths.length > 0 && !paths.some((p) => existsSync(cachePathOf(run, p)))) {
    run.warning("There are no cache folders on the disk");
    return;
  }
  if (!primaryKey) {
    run.log("Primary key was not generated. Please check the log messages above for more errors or information");
    return;
  }
  await saveDependencyCache(run, primaryKey, run.state[STATE_MATCHED_KEY], paths);
}

export const setupGoAction: BuiltinAction = {
  name: "actions/setup-go",
  inputs: {
    "go-version": { default: "" },
    "go-version-file": { default: "" },
    "check-latest": { default: "false" },
    token: { default: "" },
    cache: { default: "true" },
    "cache-dependency-path": { default: "" },
    architecture: { default: "" },
    "go-download-base-url": { default: "" },
  },
  main,
  post,
  postIf: "success()",
};
