// actions/setup-java (v3-v5): each java-version is set up (see java-acquire.ts), the last one
// as the default: JAVA_HOME and PATH, and JAVA_HOME_<major>_<ARCH> for every one, with the
// action's outputs; ~/.m2/settings.xml and toolchains.xml are written as the action writes
// them; `cache: maven|gradle|sbt` restores and saves the build tool's caches of the job.
import { existsSync } from "node:fs";
import { arch as osArch } from "node:os";
import { join, resolve } from "node:path";
import { hashFiles } from "../../expr/hash-files.js";
import { BuiltinFailure, type BuiltinAction, type BuiltinRun } from "../builtin-types.js";
import { restoreCache } from "../cache/index.js";
import { booleanInput, cachePathOf, multilineInput, saveDependencyCache } from "./common.js";
import { acquireJava, distributionName } from "./java-acquire.js";
import { writeMavenSettings, writeToolchains, type Toolchain } from "./java-maven.js";
import { javaVersionFromFile, normalizeJavaVersion } from "./java-versions.js";

const STATE_PRIMARY_KEY = "cache-primary-key";
const STATE_MATCHED_KEY = "cache-matched-key";
const STATE_PATHS = "cache-paths";

/** Paths (under the job's HOME) and the files whose hash keys them, as setup-java has them. */
const PACKAGE_MANAGERS: Record<string, { paths: string[]; patterns: string[] }> = {
  maven: { paths: ["~/.m2/repository"], patterns: ["**/pom.xml", "**/.mvn/wrapper/maven-wrapper.properties", "**/.mvn/extensions.xml"] },
  gradle: {
    paths: ["~/.gradle/caches", "~/.gradle/wrapper"],
    patterns: [
      "**/*.gradle*",
      "**/gradle.properties",
      "**/gradle-wrapper.properties",
      "buildSrc/**/Versions.kt",
      "buildSrc/**/Dependencies.kt",
      "gradle/*.versions.toml",
      "**/versions.properties",
    ],
  },
  sbt: {
    paths: ["~/.ivy2/cache", "~/.sbt", "~/.cache/coursier", "!~/.sbt/*.lock", "!~/**/ivydata-*.properties"],
    patterns: ["**/*.sbt", "**/project/build.properties", "**/project/**.scala", "**/project/**.sbt"],
  },
};

/** setup-java's architecture names: arm64 is aarch64. */
function javaArch(arch: string): string {
  return arch === "arm64" ? "aarch64" : arch;
}

interface Wanted {
  versions: string[];
  distribution: string;
}

function wantedVersions(run: BuiltinRun): Wanted {
  const versions = multilineInput(run, "java-version");
  const distribution = run.inputs["distribution"] ?? "";
  const versionFile = run.inputs["java-version-file"] ?? "";
  if (versions.length === 0 && !versionFile) throw new BuiltinFailure("java-version or java-version-file input expected");
  if (versions.length > 0) {
    if (!distribution) throw new BuiltinFailure("distribution input is required");
    return { versions, distribution };
  }
  const path = resolve(run.workspace, versionFile);
  if (!existsSync(path)) throw new BuiltinFailure(`ENOENT: no such file or directory, open '${versionFile}'`);
  const found = javaVersionFromFile(path);
  if (!found) throw new BuiltinFailure(`No supported version was found in file ${versionFile}`);
  if (found.distribution) {
    run.log(`Using distribution '${found.distribution}' from ${versionFile}`);
    return { versions: [found.version], distribution: found.distribution };
  }
  if (!distribution) throw new BuiltinFailure("distribution input is required when not specified in the version file");
  return { versions: [found.version], distribution };
}

async function restoreJavaCache(run: BuiltinRun, id: string): Promise<void> {
  const manager = PACKAGE_MANAGERS[id];
  if (!manager) return;
  const dependencyPath = run.inputs["cache-dependency-path"] ?? "";
  const patterns = dependencyPath ? multilineInput(run, "cache-dependency-path") : manager.patterns;
  const hash = hashFiles(run.workspace, ["--follow-symbolic-links", ...patterns]);
  if (!hash) throw new BuiltinFailure(`No file in ${run.workspace} matched to [${patterns.join(",")}], make sure you have checked out the target repository`);
  const primaryKey = `setup-java-${run.env["RUNNER_OS"] ?? ""}-${process.arch}-${id}-${hash}`;
  run.saveState(STATE_PRIMARY_KEY, primaryKey);
  run.saveState(STATE_PATHS, JSON.stringify(manager.paths));
  run.setOutput("cache-primary-key", primaryKey);
  const { matchedKey } = await restoreCache(run, { key: primaryKey, restoreKeys: [], paths: manager.paths });
  run.setOutput("cache-hit", String(matchedKey === primaryKey));
  if (!matchedKey) {
    run.log(`${id} cache is not found`);
    return;
  }
  run.saveState(STATE_MATCHED_KEY, matchedKey);
  run.log(`Cache restored from key: ${matchedKey}`);
}

async function main(run: BuiltinRun): Promise<void> {
  const { versions, distribution } = wantedVersions(run);
  const cache = run.inputs["cache"] ?? "";
  if (cache && !PACKAGE_MANAGERS[cache]) throw new BuiltinFailure(`unknown package manager specified: ${cache}`);
  const arch = run.inputs["architecture"] || osArch();
  const packageType = run.inputs["java-package"] || "jdk";
  const setDefault = (run.inputs["set-default"] ?? "true") !== "false";
  const toolchainIds = multilineInput(run, "mvn-toolchain-id");
  const toolchains: Toolchain[] = [];
  for (const [index, version] of versions.entries()) {
    const spec = normalizeJavaVersion(version);
    const java = await acquireJava(run, { input: version, spec, distribution, packageType, arch, checkLatest: booleanInput(run, "check-latest") });
    const label = distributionName(distribution);
    run.log(`Java ${java.version} from ${java.dir} (${java.source}${java.vendor !== label ? `, ${java.vendor}` : ""})`);
    const major = java.version.split(".")[0] ?? "";
    if (setDefault) {
      run.exportVariable("JAVA_HOME", java.dir);
      run.addPath(join(java.dir, "bin"));
    }
    run.exportVariable(`JAVA_HOME_${major}_${javaArch(arch).toUpperCase()}`, java.dir);
    run.setOutput("distribution", label);
    run.setOutput("path", java.dir);
    run.setOutput("version", java.version);
    const toolchainVersion = spec.latest ? java.version : version;
    const vendor = run.inputs["mvn-toolchain-vendor"] || distribution;
    toolchains.push({ version: toolchainVersion, vendor, id: toolchainIds[index] || `${vendor}_${toolchainVersion}`, jdkHome: java.dir });
    run.log(`Java configuration:\n  Distribution: ${distribution}\n  Version: ${java.version}\n  Path: ${java.dir}`);
  }
  if (run.inputs["gpg-private-key"]) run.warning("gpg-private-key: tierci's setup-java does not import GPG keys; sign with the machine's own gpg setup");
  await writeMavenSettings(run);
  await writeToolchains(run, toolchains);
  if (cache) await restoreJavaCache(run, cache);
}

async function post(run: BuiltinRun): Promise<void> {
  const primaryKey = run.state[STATE_PRIMARY_KEY];
  if (!run.inputs["cache"] || !primaryKey) return;
  const paths = JSON.parse(run.state[STATE_PATHS] ?? "[]") as string[];
  if (!paths.some((p) => !p.startsWith("!") && existsSync(cachePathOf(run, p)))) {
    run.log("No cache folder exists on disk; nothing to save");
    return;
  }
  await saveDependencyCache(run, primaryKey, run.state[STATE_MATCHED_KEY], paths);
}

const input = (names: string[], defaults: Record<string, string> = {}) => Object.fromEntries(names.map((n) => [n, { default: defaults[n] ?? "" }]));

export const setupJavaAction: BuiltinAction = {
  name: "actions/setup-java",
  inputs: input(
    [
      "java-version",
      "java-version-file",
      "distribution",
      "java-package",
      "architecture",
      "jdk-file",
      "jdkFile",
      "check-latest",
      "force-download",
      "set-default",
      "server-id",
      "server-username",
      "server-username-env-var",
      "server-password",
      "server-password-env-var",
      "settings-path",
      "overwrite-settings",
      "gpg-private-key",
      "gpg-passphrase",
      "gpg-passphrase-env-var",
      "cache",
      "cache-dependency-path",
      "job-status",
      "token",
      "mvn-toolchain-id",
      "mvn-toolchain-vendor",
    ],
    { "java-package": "jdk", "check-latest": "false", "set-default": "true", "server-id": "github", "overwrite-settings": "true" },
  ),
  main,
  post,
  postIf: "success()",
};
