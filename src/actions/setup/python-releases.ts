// Where CPython comes from when the machine does not have the version a workflow asks for:
// python-build-standalone, the relocatable builds `uv python install` uses. A release (the
// latest one, named by latest-release.json) lists its archives with their SHA-256 in
// SHA256SUMS; the install_only archives unpack to python/ with bin/python3 and pip, which is
// the tree that goes into the tool cache as Python/<version>/<arch>, setup-python's layout.
// TIERCI_PYTHON_MIRROR replaces the release download URL as UV_PYTHON_INSTALL_MIRROR does:
// archives are <mirror>/<tag>/<file>, and the latest tag is in <mirror>/latest-release.json.
import { checksumLines, fetchJson, fetchOnce, fetchText } from "../../toolcache/http.js";
import { ensureTool, singleEntry, type Installed } from "../../toolcache/install.js";

const GITHUB_RELEASES = "https://github.com/astral-sh/python-build-standalone/releases/download";
const LATEST_RELEASE = "https://raw.githubusercontent.com/astral-sh/python-build-standalone/latest-release/latest-release.json";

export interface PythonBuild {
  /** As the tool cache spells it: 3.12.7, 3.14.0-rc.2. */
  version: string;
  freethreaded: boolean;
  file: string;
  sha256: string;
}

export interface PythonRelease {
  tag: string;
  /** Where SHA256SUMS and the archives are. */
  assetUrl: string;
  builds: PythonBuild[];
}

/** The target triple of python-build-standalone for Node's platform and architecture names. */
export function standaloneTriple(platform: string, arch: string): string | undefined {
  const cpu = ({ x64: "x86_64", arm64: "aarch64", ia32: "i686" } as Record<string, string>)[arch];
  if (!cpu) return undefined;
  if (platform === "linux") return `${cpu}-unknown-linux-gnu`;
  if (platform === "darwin") return `${cpu}-apple-darwin`;
  return undefined;
}

/** 3.13.0rc2 as the tool cache writes it: 3.13.0-rc.2. */
export function toolCacheVersion(python: string): string {
  const names: Record<string, string> = { a: "alpha", b: "beta", rc: "rc" };
  return python.replace(/^(\d+\.\d+\.\d+)(a|b|rc)(\d+)$/, (_, base: string, kind: string, n: string) => `${base}-${names[kind] ?? kind}.${n}`);
}

/** The builds of one release for a triple, stripped archives preferred as uv prefers them. */
export function releaseBuilds(sums: Map<string, string>, tag: string, triple: string): PythonBuild[] {
  const builds = new Map<string, PythonBuild>();
  const pattern = /^cpython-(\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?)\+(\d+)-(.+?)-(freethreaded-)?install_only(_stripped)?\.tar\.gz$/;
  for (const [file, sha256] of sums) {
    const m = pattern.exec(file);
    if (!m || m[2] !== tag || m[3] !== triple) continue;
    const build = { version: toolCacheVersion(m[1] ?? ""), freethreaded: m[4] !== undefined, file, sha256 };
    const key = `${build.version}${build.freethreaded ? "t" : ""}`;
    if (!builds.has(key) || m[5] !== undefined) builds.set(key, build);
  }
  return [...builds.values()];
}

interface LatestRelease {
  tag?: string;
  asset_url_prefix?: string;
}

/** Where the latest release is named: latest-release.json of the project, or of the mirror. */
export function latestReleaseUrl(mirror: string): string {
  return mirror ? `${mirror.replace(/\/+$/, "")}/latest-release.json` : LATEST_RELEASE;
}

/** The latest release's builds for a triple, read once per process. */
export function latestRelease(mirror: string, triple: string): Promise<PythonRelease> {
  return fetchOnce(`${latestReleaseUrl(mirror)}#${triple}`, async () => {
    const url = latestReleaseUrl(mirror);
    const latest = await fetchJson<LatestRelease>(url);
    if (!latest.tag || !/^\d+$/.test(latest.tag)) throw new Error(`${url} names no release tag`);
    const assetUrl = mirror ? `${mirror.replace(/\/+$/, "")}/${latest.tag}` : (latest.asset_url_prefix ?? `${GITHUB_RELEASES}/${latest.tag}`);
    const sums = checksumLines(await fetchText(`${assetUrl}/SHA256SUMS`));
    return { tag: latest.tag, assetUrl, builds: releaseBuilds(sums, latest.tag, triple) };
  });
}

export function installStandalone(
  release: PythonRelease,
  build: PythonBuild,
  arch: string,
  root: string,
  opts: { signal?: AbortSignal; log(line: string): void },
): Promise<Installed> {
  const key = { tool: "Python", version: build.version, arch: build.freethreaded ? `${arch}-freethreaded` : arch };
  return ensureTool(root, key, opts, async (stage) => {
    const url = `${release.assetUrl}/${encodeURIComponent(build.file)}`;
    return singleEntry(await stage.unpack({ url, checksum: { algorithm: "sha256", hex: build.sha256 } }, "python"));
  });
}
