// Which Node.js a setup-node step asks for, and which installation answers: version files
// read as actions/setup-node reads them, LTS aliases and `latest` answered from a list of
// releases (a release index, or the installations themselves when offline), and versions
// matched as @actions/tool-cache matches its directory of versions.
import { existsSync, readFileSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { parse as parseToml } from "smol-toml";
import { cachedVersions } from "../../toolcache/layout.js";
import { listDir as list } from "../../util/list-dir.js";
import { memoized } from "../../util/memoize.js";
import { execTool, isExecutable, machineHome, uniqueInstalls } from "./common.js";
import { compareVersions, findVersion, parseVersion, type SemVer } from "./version-spec.js";

export interface NodeInstall {
  /** Without the v: 20.11.1. */
  version: string;
  /** The LTS codename in lower case (iron), or "" for a Current release. */
  lts: string;
  arch: string;
  executable: string;
  source: string;
}

/** Thrown for a version file that does not exist; the step fails with its message. */
export class NodeVersionFileError extends Error {}

/**
 * The version a node-version-file names: package.json (volta.node, devEngines.runtime,
 * engines.node, volta.extends), mise.toml (tools.node), or a plain .nvmrc/.node-version/
 * .tool-versions line. null when a package.json names none.
 */
export function nodeVersionFromFile(path: string): string | null {
  if (!existsSync(path)) throw new NodeVersionFileError(`The specified node version file at: ${path} does not exist`);
  const contents = readFileSync(path, "utf8");
  let manifest: unknown;
  try {
    manifest = JSON.parse(contents);
  } catch {
    manifest = undefined;
  }
  if (typeof manifest === "object" && manifest !== null) {
    const m = manifest as { volta?: { node?: string; extends?: string }; devEngines?: { runtime?: unknown }; engines?: { node?: string } };
    if (m.volta?.node) return m.volta.node;
    const runtime = m.devEngines?.runtime;
    if (runtime) {
      const entries = [runtime].flat() as { name?: string; version?: string }[];
      const entry = entries.find((e) => e?.name?.toLowerCase() === "node" && e.version);
      if (entry?.version) return entry.version;
    }
    if (m.engines?.node) return m.engines.node;
    if (m.volta?.extends) return nodeVersionFromFile(resolve(dirname(path), m.volta.extends));
    return null;
  }
  try {
    const tools = (parseToml(contents) as { tools?: { node?: unknown } }).tools;
    if (tools?.node !== undefined) {
      const node = tools.node;
      if (typeof node === "string") return node;
      if (typeof node === "object" && node !== null && typeof (node as { version?: unknown }).version === "string")
        return (node as { version: string }).version;
      return null;
    }
  } catch {
    // Not TOML: a plain version file.
  }
  const found = /^(?:node(js)?\s+)?v?(?<version>[^\s]+)$/m.exec(contents);
  return found?.groups?.["version"] ?? contents.trim();
}

/** A release or an installation: its version and LTS codename. */
interface Versioned {
  version: string;
  lts: string;
}

function newestFirst<T extends Versioned>(installs: readonly T[]): T[] {
  const v = (i: T): SemVer => parseVersion(i.version) ?? { major: -1, minor: 0, patch: 0, prerelease: [] };
  return [...installs].sort((a, b) => compareVersions(v(b), v(a)));
}

export type NodeResolution<T> = { install: T; spec: string } | { error: string };

/** Specs whose answer changes as Node.js releases: only a release index can answer them truly. */
export function isNodeAlias(spec: string): boolean {
  return spec.startsWith("lts/") || ["current", "latest", "node"].includes(spec);
}

/**
 * `lts/*`, `lts/-1` and `lts/<codename>` count the LTS lines among the candidates, newest
 * first; `latest`, `current` and `node` take the newest; anything else is a semver version or range.
 */
export function resolveNode<T extends Versioned>(versionSpec: string, installs: readonly T[]): NodeResolution<T> {
  let spec = versionSpec;
  const sorted = newestFirst(installs);
  if (spec.startsWith("lts/")) {
    const alias = spec.split("lts/")[1]?.toLowerCase() ?? "";
    if (!alias) return { error: `Unable to parse LTS alias for Node version '${versionSpec}'` };
    const lines = [...new Map(sorted.filter((i) => i.lts).map((i) => [i.lts, i])).values()];
    const n = Number(alias);
    const release = alias === "*" ? lines[0] : n < 0 ? lines[-n] : lines.find((i) => i.lts === alias);
    if (!release) return { error: `Unable to find LTS release '${alias}' for Node version '${versionSpec}'` };
    spec = release.version.split(".")[0] ?? "";
  } else if (["current", "latest", "node"].includes(spec)) {
    const newest = sorted[0];
    if (!newest) return { error: `No Node.js installation found for '${versionSpec}'` };
    spec = newest.version;
  }
  const index = findVersion(
    installs.map((i) => parseVersion(i.version) ?? { major: -1, minor: 0, patch: 0, prerelease: [] }),
    spec,
  );
  const install = installs[index];
  return install ? { install, spec } : { error: `Node.js ${versionSpec} was not found` };
}

/** The installed versions, oldest first, for messages. */
export function installedNodeVersions(installs: readonly NodeInstall[]): string {
  const versions = [
    ...new Set(
      newestFirst(installs)
        .reverse()
        .map((i) => i.version),
    ),
  ];
  return versions.length > 0 ? versions.join(", ") : "none";
}

interface Candidate {
  path: string;
  source: string;
}

function versionDirs(root: string, source: string, binary: (dir: string) => string): Candidate[] {
  return list(root)
    .map((name) => binary(join(root, name)))
    .filter(isExecutable)
    .map((path) => ({ path, source }));
}

/** Where to look, in order of preference for equal versions. */
export function nodeCandidates(env: NodeJS.ProcessEnv = process.env, home = machineHome()): Candidate[] {
  const dataHome = env["XDG_DATA_HOME"] || join(home, ".local", "share");
  const candidates: Candidate[] = [
    { path: process.execPath, source: dirname(process.execPath) },
    ...versionDirs(join(env["NVM_DIR"] || join(home, ".nvm"), "versions", "node"), "nvm", (d) => join(d, "bin", "node")),
    ...[env["FNM_DIR"], join(dataHome, "fnm"), join(home, ".fnm")].flatMap((root) =>
      root ? versionDirs(join(root, "node-versions"), "fnm", (d) => join(d, "installation", "bin", "node")) : [],
    ),
    ...versionDirs(join(env["VOLTA_HOME"] || join(home, ".volta"), "tools", "image", "node"), "volta", (d) => join(d, "bin", "node")),
    ...versionDirs(join(env["ASDF_DATA_DIR"] || join(home, ".asdf"), "installs", "nodejs"), "asdf", (d) => join(d, "bin", "node")),
    ...versionDirs(join(env["N_PREFIX"] || "/usr/local", "n", "versions", "node"), "n", (d) => join(d, "bin", "node")),
    ...versionDirs(join(env["NODENV_ROOT"] || join(home, ".nodenv"), "versions"), "nodenv", (d) => join(d, "bin", "node")),
    ...["/usr/local/bin/node", "/usr/bin/node"].filter(isExecutable).map((path) => ({ path, source: dirname(path) })),
  ];
  for (const dir of (env["PATH"] ?? "").split(delimiter)) {
    // Shims (volta, asdf, nodenv) only dispatch to installations listed above.
    if (dir === "" || /(^|\/)shims\/?$/.test(dir)) continue;
    const path = join(dir, "node");
    if (isExecutable(path)) candidates.push({ path, source: "PATH" });
  }
  return uniqueInstalls(candidates);
}

const PROBE = "process.stdout.write(JSON.stringify([process.version, process.release.lts || '', process.arch]))";

export async function probeNode(candidate: Candidate): Promise<NodeInstall | undefined> {
  const env = { ...process.env };
  // Options meant for tierci's own node could break or slow down another version.
  delete env["NODE_OPTIONS"];
  const r = await execTool(candidate.path, ["-e", PROBE], { env, timeoutMs: 20_000 });
  if (r.code !== 0) return undefined;
  try {
    const [version, lts, arch] = JSON.parse(r.stdout) as [string, string, string];
    return { version: version.replace(/^v/, ""), lts: lts.toLowerCase(), arch, executable: candidate.path, source: candidate.source };
  } catch {
    return undefined;
  }
}

let discovered: Promise<NodeInstall[]> | undefined;

/** Every Node.js installation that runs, probed once per process. */
export function installedNodes(): Promise<NodeInstall[]> {
  discovered ??= Promise.all(nodeCandidates().map(probeNode)).then((all) => all.filter((n): n is NodeInstall => n !== undefined));
  return discovered;
}

const cachedProbes = new Map<string, Promise<NodeInstall | undefined>>();

/** The Node.js versions of the tool cache for one architecture; each binary is probed once per process. */
export async function cachedNodes(root: string, arch: string): Promise<NodeInstall[]> {
  const found = await Promise.all(
    cachedVersions(root, "node", arch).map((version) => {
      const path = join(root, "node", version, arch, "bin", "node");
      return memoized(cachedProbes, path, () => probeNode({ path, source: "tool cache" }));
    }),
  );
  return found.filter((n): n is NodeInstall => n !== undefined);
}
