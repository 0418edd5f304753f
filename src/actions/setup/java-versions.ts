// Which Java a setup-java step asks for, and where JDKs come from: versions and version files
// read as actions/setup-java reads them (a semver range; a full version with its build,
// 17.0.10+7, matches only that build), the JDKs of the machine (their `release` file) and of
// the tool cache (Java_<distribution>_<package>/<version with - for +>/<arch>), and Eclipse
// Temurin's releases from the Adoptium API v3, whose packages carry their SHA-256.
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { HttpStatusError, fetchJson } from "../../toolcache/http.js";
import { cachedVersions } from "../../toolcache/layout.js";
import { BuiltinFailure } from "../builtin-types.js";
import { entriesOf, homeOnPath, machineHome, uniqueInstalls } from "./common.js";
import { compareVersions, parseRange, parseVersion, satisfies } from "./version-spec.js";

export interface JavaSpec {
  /** A semver range, or a full version (with +build). */
  range: string;
  stable: boolean;
  /** `latest`: always asks the distribution for its newest release. */
  latest: boolean;
}

/** setup-java's normalizeVersion: `latest`, `-ea` suffixes, and 4-part versions as semver build metadata. */
export function normalizeJavaVersion(input: string): JavaSpec {
  let version = input.trim();
  if (version.toLowerCase() === "latest") return { range: "x", stable: true, latest: true };
  if (version.toLowerCase().startsWith("latest"))
    throw new BuiltinFailure(
      `The 'latest' alias resolves stable (GA) releases only and cannot be combined with '-ea' or other qualifiers (received '${input}'). Use 'latest' on its own, or specify a concrete version.`,
    );
  let stable = true;
  if (version.endsWith("-ea")) {
    version = version.slice(0, -3);
    stable = false;
  } else if (version.includes("-ea.")) {
    version = version.replace("-ea.", "+");
    stable = false;
  }
  if (/^\d+(\.\d+){3,}$/.test(version)) {
    const parts = version.split(".");
    version = `${parts.slice(0, 3).join(".")}+${parts.slice(3).join(".")}`;
  }
  if (!parseRange(version.replace(/\+.*$/, "")))
    throw new BuiltinFailure(
      `The string '${version}' is not valid SemVer notation for a Java version. Please check README file for code snippets and more detailed information`,
    );
  return { range: version, stable, latest: false };
}

function split(version: string): { main: string; build: string } {
  const i = version.indexOf("+");
  return i < 0 ? { main: version, build: "" } : { main: version.slice(0, i), build: version.slice(i + 1) };
}

export function javaSatisfies(range: string, version: string): boolean {
  const v = split(version);
  const parsed = parseVersion(v.main);
  if (!parsed) return false;
  const r = split(range);
  if (r.build && parseVersion(r.main)) return r.main === v.main && r.build === v.build;
  const semverRange = parseRange(range);
  return semverRange !== null && satisfies(parsed, semverRange);
}

function compareBuilds(a: string, b: string): number {
  const x = a.split(".");
  const y = b.split(".");
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const [p, q] = [x[i] ?? "", y[i] ?? ""];
    const d = /^\d+$/.test(p) && /^\d+$/.test(q) ? Number(p) - Number(q) : p.localeCompare(q);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** semver.compareBuild: the version, then the build metadata. */
export function compareJava(a: string, b: string): number {
  const x = split(a);
  const y = split(b);
  const [p, q] = [parseVersion(x.main), parseVersion(y.main)];
  return (p && q ? compareVersions(p, q) : 0) || compareBuilds(x.build, y.build);
}

/** The highest of `items` whose version satisfies the spec. */
export function bestJava<T extends { version: string }>(spec: string, items: readonly T[]): T | undefined {
  return items.filter((i) => javaSatisfies(spec, i.version)).sort((a, b) => compareJava(b.version, a.version))[0];
}

const SDKMAN: Record<string, string> = {
  tem: "temurin",
  zulu: "zulu",
  amzn: "corretto",
  librca: "liberica",
  ms: "microsoft",
  oracle: "oracle",
  sem: "semeru",
  graal: "graalvm",
  graalce: "graalvm",
  sapmchn: "sapmachine",
  jbr: "jetbrains",
  kona: "kona",
  albba: "dragonwell",
};

/** A version file's Java version (and distribution, where .sdkmanrc or .tool-versions name one). */
export function javaVersionFromFile(path: string): { version: string; distribution?: string } | null {
  const content = readFileSync(path, "utf8").trim();
  const name = basename(path);
  let m: RegExpExecArray | null;
  let distribution: string | undefined;
  if (name === ".tool-versions") {
    m = /^java\s+(?:(?<distribution>[a-z]+)-)?(?<version>\d+(?:\.\d+)*(?:[+_.-][\w.]+)*)/im.exec(content);
    distribution = m?.groups?.["distribution"] === "adoptopenjdk" ? "adopt" : m?.groups?.["distribution"];
  } else if (name === ".sdkmanrc") {
    m = /^java\s*=\s*(?<version>[^-\s]+)(?:-(?<distribution>[a-z0-9]+))?/m.exec(content);
    distribution = SDKMAN[m?.groups?.["distribution"] ?? ""];
  } else {
    m = /(?<version>(?<=(^|\s|-))(\d+\S*))(\s|$)/.exec(content);
  }
  const captured = m?.groups?.["version"] ?? "";
  if (!captured) return null;
  const tentative = captured.replace(/^1\.(\d+)/, "$1");
  const raw = tentative.split("-")[0] ?? "";
  let version: string | undefined = parseRange(raw) ? tentative : undefined;
  if (!version) {
    const coerced = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(tentative);
    version = coerced ? `${coerced[1]}.${coerced[2] ?? 0}.${coerced[3] ?? 0}` : undefined;
  }
  return version ? { version, distribution } : null;
}

export interface JavaInstall {
  /** 17.0.15+6 */
  version: string;
  dir: string;
  vendor: string;
  /** It has javac, so it serves a jdk request and not only a jre one. */
  jdk: boolean;
  source: string;
}

function releaseFields(dir: string): Record<string, string> {
  const fields: Record<string, string> = {};
  try {
    for (const line of readFileSync(join(dir, "release"), "utf8").split("\n")) {
      const m = /^([A-Z_]+)="?([^"]*)"?$/.exec(line.trim());
      if (m?.[1]) fields[m[1]] = m[2] ?? "";
    }
  } catch {
    // Not a JDK home.
  }
  return fields;
}

/** A JDK home's version from its `release` file: 17.0.15+6-Debian-1 -> 17.0.15+6. */
export function readJavaHome(dir: string, source: string): JavaInstall | undefined {
  const fields = releaseFields(dir);
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:\.[\d.]+)?(?:\+(\d+))?/.exec(fields["JAVA_RUNTIME_VERSION"] || fields["JAVA_VERSION"] || "");
  if (!m || !existsSync(join(dir, "bin", "java"))) return undefined;
  const version = `${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}${m[4] ? `+${m[4]}` : ""}`;
  return { version, dir, vendor: fields["IMPLEMENTOR"] || "unknown", jdk: existsSync(join(dir, "bin", "javac")), source };
}

/** The machine's JDKs: /usr/lib/jvm, SDKMAN!, IntelliJ's ~/.jdks, JAVA_HOME, and java on PATH. */
export function machineJdks(env: NodeJS.ProcessEnv = process.env, home = machineHome()): JavaInstall[] {
  const homes = [
    ...entriesOf("/usr/lib/jvm", "/usr/lib/jvm"),
    ...entriesOf(join(env["SDKMAN_DIR"] || join(home, ".sdkman"), "candidates", "java"), "sdkman", (n) => n !== "current"),
    ...entriesOf(join(home, ".jdks"), "~/.jdks"),
    ...(env["JAVA_HOME"] ? [{ path: env["JAVA_HOME"], source: "JAVA_HOME" }] : []),
    ...homeOnPath("java", env["PATH"] ?? ""),
  ];
  return uniqueInstalls(homes)
    .map((h) => readJavaHome(h.path, h.source))
    .filter((j): j is JavaInstall => j !== undefined);
}

/** The JDKs of one tool cache folder (Java_Temurin-Hotspot_jdk), versions spelled back with +. */
export function cachedJdks(root: string, folder: string, arch: string): JavaInstall[] {
  return cachedVersions(root, folder, arch).flatMap((name) => {
    const dir = join(root, folder, name, arch);
    if (!existsSync(join(dir, "bin", "java"))) return [];
    return [
      {
        version: name.replace("-ea.", "+").replace(/-ea$/, "").replace("-", "+"),
        dir,
        vendor: folder,
        jdk: existsSync(join(dir, "bin", "javac")),
        source: "tool cache",
      },
    ];
  });
}

export interface TemurinRelease {
  version: string;
  url: string;
  sha256: string;
}

interface AdoptiumAsset {
  binaries?: { package?: { link?: string; checksum?: string } }[];
  version_data?: { semver?: string };
}

/** Adoptium's architecture names. */
function adoptiumArch(arch: string): string {
  return ({ arm64: "aarch64", ia32: "x32", arm: "arm" } as Record<string, string>)[arch] ?? arch;
}

/** Every Temurin release for this platform, as setup-java lists them: all versions, page by page. */
export async function temurinReleases(api: string, opts: { arch: string; imageType: string; stable: boolean }): Promise<TemurinRelease[]> {
  const os = process.platform === "darwin" ? "mac" : process.platform === "win32" ? "windows" : process.platform;
  const query = [
    "project=jdk",
    "vendor=adoptium",
    "heap_size=normal",
    "sort_method=DEFAULT",
    "sort_order=DESC",
    `os=${os}`,
    `architecture=${adoptiumArch(opts.arch)}`,
    `image_type=${opts.imageType}`,
    `release_type=${opts.stable ? "ga" : "ea"}`,
    "jvm_impl=hotspot",
    "page_size=20",
  ].join("&");
  const releases: TemurinRelease[] = [];
  for (let page = 0; page < 50; page++) {
    const url = `${api}/v3/assets/version/${encodeURI("[1.0,100.0]")}?${query}&page=${page}`;
    let assets: AdoptiumAsset[];
    try {
      assets = await fetchJson<AdoptiumAsset[]>(url);
    } catch (err) {
      // The API answers 404 for a page past the last one.
      if (err instanceof HttpStatusError && err.status === 404 && page > 0) break;
      throw err;
    }
    for (const asset of assets) {
      const pkg = asset.binaries?.[0]?.package;
      const semver = asset.version_data?.semver;
      if (!pkg?.link || !semver) continue;
      releases.push({ version: opts.stable ? semver : semver.replace("-beta+", "+"), url: pkg.link, sha256: pkg.checksum ?? "" });
    }
    if (assets.length < 20) break;
  }
  return releases;
}
