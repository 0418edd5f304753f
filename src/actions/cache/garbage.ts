// Garbage collection of the cache store: blobs no manifest refers to, and temporary files of
// saves that died. `<store>/generation` counts the collections, so that a save which looked
// at the blobs before one knows to check them again.
import { lstat, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { eachLimited } from "../../util/each-limited.js";
import { pidExists } from "../../util/process-identity.js";
import { entryIds, readManifest } from "./entries.js";

export async function readGeneration(storeDir: string): Promise<number> {
  try {
    return Number(await readFile(join(storeDir, "generation"), "utf8")) || 0;
  } catch {
    return 0;
  }
}

async function referencedBlobs(storeDir: string): Promise<Set<string>> {
  const referenced = new Set<string>();
  for (const id of await entryIds(storeDir)) {
    try {
      const { manifest } = await readManifest(storeDir, id);
      for (const i of manifest.items) if (i.blob) referenced.add(i.blob);
    } catch {
      // A manifest that cannot be read protects nothing.
    }
  }
  return referenced;
}

/**
 * Temporary names carry only the writer's PID. A reused PID keeps a dead save's file until a
 * later collection, which costs space, never a live save's file.
 */
const writerAlive = (pidText: string | undefined): boolean => pidExists(Number(pidText));

/** Deletes what nothing refers to, then bumps the generation. Call it under the store's lock. */
export async function collectGarbage(storeDir: string, tmp: string): Promise<{ blobs: number; bytes: number }> {
  const referenced = await referencedBlobs(storeDir);
  let blobs = 0;
  let bytes = 0;
  const blobDir = join(storeDir, "blobs");
  for (const shard of await readdir(blobDir).catch(() => [] as string[])) {
    const files = await readdir(join(blobDir, shard)).catch(() => [] as string[]);
    await eachLimited(files, 32, async (f) => {
      if (referenced.has(f) || (f.startsWith(".tmp-") && writerAlive(f.split("-")[1]))) return;
      const p = join(blobDir, shard, f);
      const st = await lstat(p).catch(() => null);
      await rm(p, { force: true });
      blobs++;
      bytes += st?.size ?? 0;
    });
  }
  const tmpDir = join(storeDir, "tmp");
  const temps = await readdir(tmpDir).catch(() => [] as string[]);
  await eachLimited(temps, 32, async (t) => {
    if (!writerAlive(t.split("-")[0])) await rm(join(tmpDir, t), { force: true });
  });
  // After the deletions, so that a save that looked at the blobs before or during this
  // collection sees a new generation and checks its blobs again.
  await writeFile(tmp, String((await readGeneration(storeDir)) + 1));
  await rename(tmp, join(storeDir, "generation"));
  return { blobs, bytes };
}
