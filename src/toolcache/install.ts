// Installing one tool version into the shared cache, once, whatever number of jobs ask for
// it at the same moment: under the version's lock, archives are downloaded and verified
// before anything is unpacked, unpacked in a staging directory, and the finished tree is
// renamed into place before its `.complete` marker is written. A failure at any point
// (a wrong checksum, a broken download, a crash) leaves no version half-installed.
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { formatSize } from "../util/format-size.js";
import { currentProcess, type ProcessIdentity } from "../util/process-identity.js";
import { downloadVerified, redactUrl, type Checksum } from "./http.js";
import { completeMarker, installDir, isComplete, lockFile, markUsed, stagingDir, type ToolKey } from "./layout.js";
import { withLock } from "../util/lock-file.js";

const run = promisify(execFile);

export interface Artifact {
  url: string;
  checksum: Checksum;
  headers?: Record<string, string>;
}

export interface Stage {
  /** An empty directory of this install, on the cache's file system. */
  dir: string;
  /** Downloads and verifies an archive, then unpacks it into `<dir>/<name>`, which it returns. */
  unpack(artifact: Artifact, name: string): Promise<string>;
}

export interface EnsureOptions {
  signal?: AbortSignal;
  log(line: string): void;
}

export interface Installed {
  dir: string;
  /** False when the version was already there (or another job installed it meanwhile). */
  downloaded: boolean;
}

/** The only entry of a directory that an archive unpacked into, as most tool archives have one top directory. */
export function singleEntry(dir: string): string {
  const entries = readdirSync(dir);
  if (entries.length !== 1 || !entries[0])
    throw new Error(`expected one top-level directory in the archive, found ${entries.length === 0 ? "none" : entries.join(", ")}`);
  return join(dir, entries[0]);
}

async function unpackArchive(archive: string, into: string, signal?: AbortSignal): Promise<void> {
  await mkdir(into, { recursive: true });
  // tar recognises gzip, xz and bzip2 by their content; --no-same-owner keeps files owned by
  // the user even when tierci runs as root.
  try {
    await run("tar", ["-xf", archive, "-C", into, "--no-same-owner"], { signal, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new Error(`unpacking ${archive} failed: ${stderr || (err as Error).message}`, { cause: err });
  }
}

function stage(dir: string, opts: EnsureOptions): Stage {
  let count = 0;
  return {
    dir,
    async unpack(artifact, name) {
      const archive = join(dir, `download-${++count}`);
      opts.log(`Downloading ${redactUrl(artifact.url)}`);
      const got = await downloadVerified(artifact.url, archive, artifact.checksum, { signal: opts.signal, headers: artifact.headers });
      opts.log(`Downloaded ${formatSize(got.bytes)} in ${(got.ms / 1000).toFixed(1)} s; ${artifact.checksum.algorithm} verified`);
      const into = join(dir, name);
      await unpackArchive(archive, into, opts.signal);
      await rm(archive, { force: true });
      return into;
    },
  };
}

/**
 * The directory of `key` in the cache at `root`, installed by `build` if it is not there.
 * `build` fills the stage and returns the directory (inside it) that becomes the install.
 */
export async function ensureTool(root: string, key: ToolKey, opts: EnsureOptions, build: (stage: Stage) => Promise<string>): Promise<Installed> {
  const dir = installDir(root, key);
  if (isComplete(root, key)) {
    markUsed(root, key);
    return { dir, downloaded: false };
  }
  const onWait = (owner: ProcessIdentity): void => {
    const who = owner.pid === process.pid && owner.host === currentProcess().host ? "another job of this tierci" : `process ${owner.pid} on ${owner.host}`;
    opts.log(`Waiting for ${who}, which is installing ${key.tool} ${key.version} (${key.arch})`);
  };
  return withLock(lockFile(root, key), { signal: opts.signal, onWait }, async () => {
    if (isComplete(root, key)) {
      opts.log(`${key.tool} ${key.version} (${key.arch}) was installed meanwhile by another job`);
      markUsed(root, key);
      return { dir, downloaded: false };
    }
    const staging = stagingDir(root, key);
    // Holding the lock, whatever is in the staging directory was left by a holder that died.
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    try {
      const tree = await build(stage(staging, opts));
      if (!existsSync(tree)) throw new Error(`the install tree ${tree} was not made`);
      await mkdir(dirname(dir), { recursive: true });
      await rm(completeMarker(root, key), { force: true });
      await rm(dir, { recursive: true, force: true });
      await rename(tree, dir);
      await writeFile(completeMarker(root, key), "");
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    opts.log(`Installed ${key.tool} ${key.version} (${key.arch}) in ${dir}`);
    return { dir, downloaded: true };
  });
}
