// The JDK a setup-java step gets: one of the tool cache or of the machine that satisfies the
// version (the machine's may come from another vendor; the log says which), unless `latest`
// or check-latest asks the distribution first; anything else is downloaded. Downloads come
// from Eclipse Temurin (distribution temurin, or adopt/adopt-hotspot that moved there) through
// the Adoptium API, TIERCI_ADOPTIUM_API for a mirror of it; other distributions are used
// only as far as they are installed.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fetchOnce, redactUrl } from "../../toolcache/http.js";
import { ensureTool, singleEntry } from "../../toolcache/install.js";
import { BuiltinFailure, type BuiltinRun } from "../builtin-types.js";
import { indexOrInstalled, installing, toolCacheOf } from "./acquire.js";
import { bestJava, cachedJdks, machineJdks, temurinReleases, type JavaInstall, type JavaSpec } from "./java-versions.js";

const ADOPTIUM_API = "https://api.adoptium.net";

/** The name setup-java reports and keys its tool cache folder on. */
const DISTRIBUTIONS: Record<string, string> = {
  temurin: "Temurin-Hotspot",
  adopt: "Temurin-Hotspot",
  "adopt-hotspot": "Temurin-Hotspot",
  zulu: "Zulu",
  corretto: "Corretto",
  liberica: "Liberica",
  microsoft: "Microsoft",
  oracle: "Oracle",
  semeru: "IBM_Semeru",
  dragonwell: "Dragonwell",
  sapmachine: "SapMachine",
  graalvm: "GraalVM",
  jetbrains: "JetBrains",
};

export function distributionName(distribution: string): string {
  const name = DISTRIBUTIONS[distribution.toLowerCase()];
  if (!name) throw new BuiltinFailure(`No supported distribution was found for input ${distribution}`);
  return name;
}

export interface JavaNeed {
  input: string;
  spec: JavaSpec;
  distribution: string;
  packageType: string;
  /** Node's architecture name: x64, arm64. */
  arch: string;
  checkLatest: boolean;
}

function toolCacheVersion(version: string, stable: boolean): string {
  if (!stable) return version.includes("+") ? version.replace("+", "-ea.") : `${version}-ea`;
  return version.replace("+", "-");
}

export async function acquireJava(run: BuiltinRun, need: JavaNeed): Promise<JavaInstall> {
  const label = distributionName(need.distribution);
  const folder = `Java_${label}_${need.packageType}`;
  const root = toolCacheOf(run);
  const usable = (j: JavaInstall) => !need.packageType.startsWith("jdk") || j.jdk;
  const cached = need.spec.stable ? cachedJdks(root, folder, need.arch) : [];
  const machine = need.spec.stable ? machineJdks().filter(usable) : [];
  const here = bestJava(need.spec.range, cached) ?? bestJava(need.spec.range, machine);
  const floating = need.checkLatest || need.spec.latest;
  if (here && !floating) return here;
  const installed = [...new Set([...cached, ...machine].map((j) => j.version))].join(", ") || "none";
  if (label !== "Temurin-Hotspot") {
    if (here) return here;
    throw new BuiltinFailure(
      `Java ${need.input} (${need.distribution}, ${need.packageType}) is not installed on this machine (installed: ${installed}); tierci downloads JDKs only from Eclipse Temurin (distribution: temurin), so install this one or use temurin`,
    );
  }
  const api = (run.env["TIERCI_ADOPTIUM_API"] || ADOPTIUM_API).replace(/\/+$/, "");
  const imageType = need.packageType.replace(/\+.*$/, "");
  const missing = {
    what: `Java ${need.input} (${need.distribution}, ${need.packageType}, ${need.arch})`,
    installed: `installed: ${installed}`,
    url: `${api}/v3/assets/version/`,
    installHint: `sdk install java ${need.input}-tem`,
  };
  const read = () =>
    fetchOnce(`${api}#${imageType}-${need.arch}-${need.spec.stable}`, () => temurinReleases(api, { arch: need.arch, imageType, stable: need.spec.stable }));
  const got = await indexOrInstalled(run, "Temurin releases", read, here, (j) => `Java ${j.version}`, missing);
  if ("installed" in got) return got.installed;
  const releases = got.index;
  const best = bestJava(need.spec.range, releases);
  if (!best) {
    const available = releases
      .slice(0, 50)
      .map((r) => r.version)
      .join(", ");
    throw new BuiltinFailure(
      `No matching version found for SemVer '${need.spec.range}'.\nDistribution: ${label}\nPackage type: ${need.packageType}\nArchitecture: ${need.arch}${available ? `\nAvailable versions: ${available}` : ""}`,
    );
  }
  run.log(`Resolved latest version as ${best.version}`);
  const same = [...cached, ...machine].find((j) => j.version === best.version);
  if (same) return same;
  if (!/^[0-9a-f]{64}$/i.test(best.sha256)) throw new BuiltinFailure(`${redactUrl(api)} gives no SHA-256 for ${redactUrl(best.url)}, so it cannot be verified`);
  run.log(`Java ${best.version} is not installed here; installing it into the tool cache ${root}`);
  const dir = await installing(run, `Java ${best.version}`, async () => {
    const key = { tool: folder, version: toolCacheVersion(best.version, need.spec.stable), arch: need.arch };
    const result = await ensureTool(root, key, { signal: run.signal, log: run.log }, async (stage) =>
      singleEntry(await stage.unpack({ url: best.url, checksum: { algorithm: "sha256", hex: best.sha256.toLowerCase() } }, "jdk")),
    );
    return result.dir;
  });
  const home = process.platform === "darwin" && existsSync(join(dir, "Contents", "Home")) ? join(dir, "Contents", "Home") : dir;
  return { version: best.version, dir: home, vendor: label, jdk: existsSync(join(home, "bin", "javac")), source: "tool cache" };
}
