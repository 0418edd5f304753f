// Download sites for setup-go, setup-java and setup-python on a test server, in the official
// index formats (go.dev's release list, Adoptium's assets API, python-build-standalone's
// release), with real tarballs of stand-in trees: a `go` that answers `go version` and
// `go env`, a JDK with bin/java, bin/javac and its release file. A site can serve a wrong
// checksum or cut its archive short.
import { join } from "node:path";
import { goArch } from "../../src/actions/setup/go-versions.js";
import { sha256, tarball, writeTree, type ToolServer } from "./tool-server.js";

export interface Fault {
  /** The checksum the index gives instead of the right one. */
  sum?: string;
  /** The archive breaks off halfway. */
  truncate?: boolean;
}

function serveArchive(server: ToolServer, path: string, data: Buffer, fault: Fault): string {
  server.routes.set(path, { body: data, truncateAt: fault.truncate ? Math.floor(data.length / 2) : undefined });
  return fault.sum ?? sha256(data);
}

export function fakeGoTree(work: string, version: string): Buffer {
  const src = join(work, "go-src", version);
  writeTree(src, {
    "go/VERSION": `go${version}\ntime 2099-01-01T00:00:00Z\n`,
    "go/bin/go": `#!/bin/sh\ncase "$1 $2" in\n  "version "*) echo "go version go${version} ${process.platform}/${goArch(process.arch)}" ;;\n  "env GOPATH") echo "$HOME/go" ;;\n  "env GOMODCACHE") echo "$HOME/go/pkg/mod" ;;\n  "env GOCACHE") echo "$HOME/.cache/go-build" ;;\n  *) exit 2 ;;\nesac\n`,
  });
  return tarball(src, "go");
}

/** `<prefix>/?mode=json&include=all` and `<prefix>/go<version>.<os>-<arch>.tar.gz`, newest first as go.dev lists them. */
export function serveGo(server: ToolServer, prefix: string, work: string, versions: ({ version: string; stable?: boolean } & Fault)[]): void {
  const platform = `${process.platform}-${goArch(process.arch)}`;
  const releases = versions.map((v) => {
    const filename = `go${v.version}.${platform}.tar.gz`;
    const sum = serveArchive(server, `${prefix}/${filename}`, fakeGoTree(work, v.version), v);
    const files = [
      { filename, os: process.platform, arch: goArch(process.arch), sha256: sum, kind: "archive" },
      { filename: `go${v.version}.src.tar.gz`, os: "", arch: "", kind: "source" },
    ];
    return { version: `go${v.version}`, stable: v.stable ?? true, files };
  });
  server.routes.set(`${prefix}/?mode=json&include=all`, { body: JSON.stringify(releases) });
}

export function fakeJdkTree(work: string, version: string, build: number): Buffer {
  const top = `jdk-${version}+${build}`;
  const src = join(work, "jdk-src", top);
  writeTree(src, {
    [`${top}/bin/java`]: `#!/bin/sh\necho 'openjdk version "${version}"' >&2\n`,
    [`${top}/bin/javac`]: "#!/bin/sh\necho javac\n",
    [`${top}/release`]: `IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="${version}"\nJAVA_RUNTIME_VERSION="${version}+${build}-LTS"\n`,
  });
  return tarball(src, top);
}

/** `<prefix>/v3/assets/version/[1.0,100.0]` (any query) listing the JDKs, and their archives under `<prefix>/files/`. */
export function serveTemurin(server: ToolServer, prefix: string, work: string, releases: ({ version: string; build: number } & Fault)[]): void {
  const assets = releases.map((r) => {
    const name = `OpenJDK-jdk_${r.version}_${r.build}.tar.gz`;
    const sum = serveArchive(server, `${prefix}/files/${name}`, fakeJdkTree(work, r.version, r.build), r);
    return {
      binaries: [{ package: { link: `${server.url}${prefix}/files/${name}`, checksum: sum, name } }],
      release_name: `jdk-${r.version}+${r.build}`,
      version_data: { semver: `${r.version}+${r.build}`, major: Number(r.version.split(".")[0]) },
    };
  });
  server.routes.set(`${prefix}/v3/assets/version/[1.0,100.0]`, { body: JSON.stringify(assets), type: "application/json" });
}

/**
 * A python-build-standalone release at `<prefix>`: latest-release.json, SHA256SUMS and the
 * stripped install_only archive; an unstripped one is listed beside it with a wrong sum, so
 * choosing it instead would fail.
 */
export function servePythonRelease(
  server: ToolServer,
  prefix: string,
  release: { tag: string; triple: string; version: string; archive: Buffer } & Fault,
): void {
  const file = `cpython-${release.version}+${release.tag}-${release.triple}-install_only_stripped.tar.gz`;
  const sum = serveArchive(server, `${prefix}/${release.tag}/${file}`, release.archive, release);
  server.routes.set(`${prefix}/latest-release.json`, { body: JSON.stringify({ version: 1, tag: release.tag, release_url: "x", asset_url_prefix: "x" }) });
  server.routes.set(`${prefix}/${release.tag}/SHA256SUMS`, {
    body: `${"a".repeat(64)}  cpython-${release.version}+${release.tag}-${release.triple}-install_only.tar.gz\n${sum}  ${file}\n`,
  });
}
