// Which Go a setup-go step asks for, and where Go comes from: version files read as
// actions/setup-go reads them, Go's version names made semantic as it makes them, the Go
// installations of the machine and of the tool cache (go/<version>/<arch>), and go.dev's
// release list (?mode=json&include=all), whose archives carry their SHA-256.
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { cachedVersions } from "../../toolcache/layout.js";
import { entriesOf, homeOnPath, machineHome, uniqueInstalls } from "./common.js";
import { findVersion, formatVersion, parseVersion, type SemVer } from "./version-spec.js";

export interface GoInstall {
  /** Semantic: 1.22.1, 1.23.0-rc.2. */
  version: string;
  /** GOROOT: the directory holding bin/go. */
  dir: string;
  source: string;
}

/**
 * setup-go's makeSemver: go1.21 -> 1.21.0, 1.21rc2 -> 1.21.0-rc.2, 1.8.5beta1 -> 1.8.5-beta.1.
 * null for text that is not a Go version.
 */
export function goSemver(text: string): string | null {
  const m = /^(?:go)?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:(beta|rc)(\d+))?$/.exec(text.trim());
  if (!m) return null;
  const base = `${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}`;
  return m[4] ? `${base}-${m[4]}.${m[5]}` : base;
}

/**
 * go.mod and go.work: the toolchain directive (unless GOTOOLCHAIN=local was set before), else
 * the go directive; .tool-versions: the golang line; any other file: its contents.
 */
export function goVersionFromFile(path: string, goToolchain: string | undefined): string {
  const contents = readFileSync(path, "utf8");
  const name = basename(path);
  if (name === "go.mod" || name === "go.work") {
    if (goToolchain !== "local") {
      const toolchain = /^toolchain go(1\.\d+(?:\.\d+|rc\d+)?)/m.exec(contents);
      if (toolchain?.[1]) return toolchain[1];
    }
    return /^go (\d+(\.\d+)*)/m.exec(contents)?.[1] ?? "";
  }
  if (name === ".tool-versions") return /^golang\s+([^\n#]+)/m.exec(contents)?.[1]?.trim() ?? "";
  return contents.trim();
}

/** Go's names: amd64, arm64, 386, armv6l. */
export function goArch(arch: string): string {
  return ({ x64: "amd64", x32: "386", ia32: "386", arm: "armv6l" } as Record<string, string>)[arch] ?? arch;
}

function readGoRoot(dir: string, source: string): GoInstall | undefined {
  try {
    const first = readFileSync(join(dir, "VERSION"), "utf8").split("\n")[0] ?? "";
    const version = goSemver(first);
    return version && existsSync(join(dir, "bin", "go")) ? { version, dir, source } : undefined;
  } catch {
    return undefined;
  }
}

/** The machine's Go installations: /usr/local/go, Debian's /usr/lib/go-*, ~/sdk/go*, goenv, and go on PATH. */
export function machineGos(env: NodeJS.ProcessEnv = process.env, home = machineHome()): GoInstall[] {
  const roots = [
    { path: "/usr/local/go", source: "/usr/local/go" },
    ...entriesOf("/usr/lib", "/usr/lib", (n) => /^go-\d/.test(n)),
    ...entriesOf(join(home, "sdk"), "~/sdk", (n) => n.startsWith("go")),
    ...entriesOf(join(env["GOENV_ROOT"] || join(home, ".goenv"), "versions"), "goenv"),
    ...homeOnPath("go", env["PATH"] ?? ""),
  ];
  return uniqueInstalls(roots)
    .map((r) => readGoRoot(r.path, r.source))
    .filter((g): g is GoInstall => g !== undefined);
}

export function cachedGos(root: string, arch: string): GoInstall[] {
  return cachedVersions(root, "go", arch)
    .map((version) => readGoRoot(join(root, "go", version, arch), "tool cache") ?? { version, dir: join(root, "go", version, arch), source: "tool cache" })
    .filter((g) => existsSync(join(g.dir, "bin", "go")));
}

const NONE: SemVer = { major: -1, minor: 0, patch: 0, prerelease: [] };

/** The highest installation satisfying a semver version or range, as tool-cache's find picks it. */
export function findGo(spec: string, installs: readonly GoInstall[]): GoInstall | undefined {
  return installs[
    findVersion(
      installs.map((g) => parseVersion(g.version) ?? NONE),
      spec,
    )
  ];
}

export interface GoFile {
  filename: string;
  os: string;
  arch: string;
  sha256?: string;
  kind?: string;
}

export interface GoRelease {
  version: string;
  stable: boolean;
  files: GoFile[];
}

function fileFor(release: GoRelease, os: string, arch: string): GoFile | undefined {
  return release.files.find((f) => f.os === os && f.arch === goArch(arch) && (f.kind ?? "archive") === "archive");
}

/** `stable` is the newest stable release, `oldstable` the newest of the minor line before it. */
export function resolveGoAlias(alias: string, releases: readonly GoRelease[], os: string, arch: string): string | undefined {
  const stable = releases
    .filter((r) => fileFor(r, os, arch) && (parseVersion(goSemver(r.version) ?? "")?.prerelease.length ?? 1) === 0)
    .map((r) => goSemver(r.version) ?? "");
  if (alias === "stable") return stable[0];
  const lines = [...new Set(stable.map((v) => v.split(".").slice(0, 2).join(".")))];
  return stable.find((v) => v.startsWith(`${lines[1]}.`));
}

/** The release (newest first in the list) satisfying `spec` that has an archive for this platform. */
export function findGoRelease(spec: string, releases: readonly GoRelease[], os: string, arch: string): { version: string; file: GoFile } | undefined {
  const withFiles = releases.filter((r) => fileFor(r, os, arch) && goSemver(r.version));
  const index = findVersion(
    withFiles.map((r) => parseVersion(goSemver(r.version) ?? "") ?? NONE),
    spec,
  );
  const release = withFiles[index];
  const file = release && fileFor(release, os, arch);
  const version = release && parseVersion(goSemver(release.version) ?? "");
  return file && version ? { version: formatVersion(version), file } : undefined;
}
