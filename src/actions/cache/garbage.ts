// Garbage collection of the cache store: blobs and packs no manifest refers to, and temporary files of
// saves that died. `<store>/generation` counts the collections, so that a save which looked
// at the blobs before one knows to check them again.
import { lstat, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { eachLimited } from "../../util/each-limited.js";
import { pidExists } from "../../util/process-identity.js";
import { entryFile, entryIds, readManifest, type Manifest } from "./entries.js";
import { packPath } from "./packs.js";

export async function readGeneration(storeDir: string): Promise<number> {
  try {
    return Number(await readFile(join(storeDir, "generation"), "utf8")) || 0;
  } catch {
    return 0;
  }
}

/** Every readable manifest, with its entry's id. */
async function eachManifest(storeDir: string, fn: (id: string, manifest: Manifest) => void): Promise<void> {
  for (const id of await entryIds(storeDir)) {
    let manifest: Manifest;
    try {
      manifest = (await readManifest(storeDir, id)).manifest;
    } catch {
      // A manifest that cannot be read protects nothing.
      continue;
    }
    fn(id, manifest);
  }
}

/** The blobs and packs of every entry. */
async function referencedContent(storeDir: string): Promise<Set<string>> {
  const referenced = new Set<string>();
  await eachManifest(storeDir, (_, manifest) => {
    for (const i of manifest.items) if (i.blob) referenced.add(i.blob);
    for (const pack of manifest.packs ?? []) referenced.add(pack);
  });
  return referenced;
}

/**
 * Temporary names carry only the writer's PID. A reused PID keeps a dead save's file until a
 * later collection, which costs space, never a live save's file.
 */
const writerAlive = (pidText: string | undefined): boolean => pidExists(Number(pidText));

/** Deletes the files of dir that are not referenced and not a live save's temporary file. */
async function sweep(dir: string, referenced: Set<string>): Promise<{ files: number; bytes: number }> {
  const swept = { files: 0, bytes: 0 };
  const files = await readdir(dir).catch(() => [] as string[]);
  await eachLimited(files, 32, async (f) => {
    if (referenced.has(f) || (f.startsWith(".tmp-") && writerAlive(f.split("-")[1]))) return;
    const p = join(dir, f);
    const st = await lstat(p).catch(() => null);
    await rm(p, { force: true });
    swept.files++;
    swept.bytes += st?.size ?? 0;
  });
  return swept;
}

/** Deletes what nothing refers to, then bumps the generation. Call it under the store's lock. */
export async function collectGarbage(storeDir: string, tmp: string): Promise<{ blobs: number; packs: number; bytes: number }> {
  const referenced = await referencedContent(storeDir);
  let blobs = 0;
  let bytes = 0;
  const blobDir = join(storeDir, "blobs");
  for (const shard of await readdir(blobDir).catch(() => [] as string[])) {
    const swept = await sweep(join(blobDir, shard), referenced);
    blobs += swept.files;
    bytes += swept.bytes;
  }
  const packs = await sweep(join(storeDir, "packs"), referenced);
  bytes += packs.bytes;
  const tmpDir = join(storeDir, "tmp");
  const temps = await readdir(tmpDir).catch(() => [] as string[]);
  await eachLimited(temps, 32, async (t) => {
    if (!writerAlive(t.split("-")[0])) await rm(join(tmpDir, t), { force: true });
  });
  // After the deletions, so that a save that looked at the blobs before or during this
  // collection sees a new generation and checks its blobs again.
  await writeFile(tmp, String((await readGeneration(storeDir)) + 1));
  await rename(tmp, join(storeDir, "generation"));
  return { blobs, packs: packs.files, bytes };
}

/**
 * Removes a damaged pack, every entry that uses it and what only they used, so that the next
 * saves store those files again instead of naming the damaged pack. Call it under the store's lock.
 */
export async function discardPack(storeDir: string, pack: string, tmp: string): Promise<void> {
  const users: string[] = [];
  await eachManifest(storeDir, (id, manifest) => {
    if (manifest.packs?.includes(pack)) users.push(id);
  });
  await Promise.all(users.map((id) => rm(entryFile(storeDir, id), { force: true })));
  await rm(packPath(storeDir, pack), { force: true });
  await collectGarbage(storeDir, tmp);
}
