// Extracting an artifact into a directory the user or a job names, which may already hold files
// and links: nothing may be written, or created, outside it.
import { lstat, mkdir, realpath, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { isInside } from "../../util/path-inside.js";
import { ArtifactError, artifactDir, copyHashing, isSafeEntry, type ArtifactManifest } from "./store.js";

export interface Extracted {
  files: number;
  bytes: number;
  /** Files whose contents no longer match the manifest's sha256. */
  mismatched: string[];
}

/**
 * Copies an artifact's files into `target`. Every entry is checked before anything is written,
 * `target` itself included: one that would land outside `target` (an absolute path, `..`, or a
 * symbolic link already on the way that leads out of it) refuses the whole artifact.
 */
export async function extractArtifact(stateDir: string, manifest: ArtifactManifest, target: string): Promise<Extracted> {
  const dir = artifactDir(stateDir, manifest.runId, manifest.name);
  const base = resolve(target);
  const realBase = await realpath(base).catch(() => undefined);
  for (const f of manifest.files) {
    const dest = resolve(base, f.path);
    if (!isSafeEntry(f.path) || !isInside(base, dest))
      throw new ArtifactError(`artifact '${manifest.name}' has an entry that leads outside ${base}: '${f.path}'; refusing to extract it`);
    const source = join(dir, "files", f.path);
    const info = await lstat(source).catch(() => undefined);
    if (!info?.isFile())
      throw new ArtifactError(`artifact '${manifest.name}' is damaged: its file '${f.path}' is ${info ? "not a regular file" : "missing"} in ${dir}`);
    if (realBase !== undefined) await refuseEscapingLinks(manifest.name, base, realBase, f.path);
  }
  await mkdir(base, { recursive: true });
  const result: Extracted = { files: 0, bytes: 0, mismatched: [] };
  for (const f of manifest.files) {
    const dest = join(base, f.path);
    await mkdir(dirname(dest), { recursive: true });
    // The directories were checked above; this catches a link put in the way since.
    if (!isInside(realBase ?? (await realpath(base)), await realpath(dirname(dest)))) throw escapeError(manifest.name, base, f.path);
    // A link or file in the way is replaced, not written through.
    await rm(dest, { force: true });
    const copied = await copyHashing(join(dir, "files", f.path), dest);
    if (copied.sha256 !== f.sha256) result.mismatched.push(f.path);
    result.files++;
    result.bytes += copied.size;
  }
  return result;
}

function escapeError(name: string, base: string, path: string): ArtifactError {
  return new ArtifactError(
    `artifact '${name}': '${path}' would be written through a symbolic link that leads outside ${base}; refusing it, nothing was extracted`,
  );
}

/**
 * Walks the directories of `path` that already exist under `base` and refuses a symbolic link
 * among them that resolves outside `realBase` (or nowhere): mkdir would follow it.
 */
async function refuseEscapingLinks(name: string, base: string, realBase: string, path: string): Promise<void> {
  const segments = path.split("/").slice(0, -1);
  let current = base;
  for (const segment of segments) {
    current = join(current, segment);
    const info = await lstat(current).catch(() => undefined);
    if (info === undefined) return;
    if (!info.isSymbolicLink()) continue;
    const real = await realpath(current).catch(() => undefined);
    if (real === undefined || !isInside(realBase, real)) throw escapeError(name, base, path);
  }
}
