// An entry's manifest: built from what a save found and stored, and checked before a restore
// writes anything, since the restore trusts it with paths and offsets.
import type { Stored } from "./content.js";
import { MANIFEST_FORMAT, type Manifest, type StoredItem } from "./entries.js";
import { CacheStoreError } from "./limits.js";
import type { FoundItem } from "./paths.js";

const HEX64 = /^[0-9a-f]{64}$/;

/** The manifest of the items; `contents[n]` and `targets[n]` are item n's content or link target. */
export function buildManifest(
  roots: string[],
  items: readonly FoundItem[],
  contents: readonly (Stored | undefined)[],
  targets: readonly (string | undefined)[],
): Manifest {
  const packs = new Map<string, number>();
  const stored = items.map((i, n): StoredItem => {
    const item: StoredItem = { root: i.root, path: i.rel, type: i.type, mode: i.stat.mode & 0o7777, size: 0, mtime: i.stat.mtime };
    const content = contents[n];
    if (i.type === "file" && content) {
      item.size = content.size;
      if ("blob" in content.ref) {
        item.blob = content.ref.blob;
      } else {
        const pack = packs.get(content.ref.pack) ?? packs.size;
        packs.set(content.ref.pack, pack);
        item.pack = pack;
        item.offset = content.ref.offset;
      }
    }
    if (i.type === "symlink") item.target = targets[n];
    return item;
  });
  return { format: MANIFEST_FORMAT, roots, packs: [...packs.keys()], items: stored };
}

const count = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 0;

/** Whether a file item names its content well: a blob, or a span of one of the packs. */
function contentNamed(item: StoredItem, packs: readonly string[]): boolean {
  if (item.pack === undefined) return typeof item.blob === "string" && HEX64.test(item.blob);
  return count(item.pack) && (item.pack as number) < packs.length && count(item.offset) && count(item.size);
}

/**
 * Refuses a manifest this version cannot read, one whose items would be written outside their
 * roots or through its own links, and one whose files name their content badly.
 */
export function checkManifest(manifest: Manifest, bases: readonly (string | undefined)[]): void {
  const format = manifest.format ?? 1;
  if (format !== 1 && format !== MANIFEST_FORMAT)
    throw new CacheStoreError(`the entry was saved by a newer tierci (manifest format ${String(format)}); upgrade tierci to restore it`);
  const packs = manifest.packs ?? [];
  if (!Array.isArray(packs) || !packs.every((p) => typeof p === "string" && HEX64.test(p)))
    throw new CacheStoreError("refusing to restore: the entry's manifest names a pack that is not a SHA-256");
  const links = new Set<string>();
  for (const item of manifest.items) {
    checkItemPath(item.path);
    if (bases[item.root] === undefined) throw new CacheStoreError(`refusing to restore '${item.path}': its manifest names no root ${item.root}`);
    if (item.type === "file" && !contentNamed(item, packs))
      throw new CacheStoreError(`refusing to restore '${item.path}': its manifest names its content by neither a blob's SHA-256 nor a span of a pack`);
    if (item.type === "symlink") links.add(`${item.root}/${item.path}`);
  }
  for (const item of manifest.items) {
    for (let at = item.path.indexOf("/"); at > 0; at = item.path.indexOf("/", at + 1)) {
      if (links.has(`${item.root}/${item.path.slice(0, at)}`))
        throw new CacheStoreError(`refusing to restore '${item.path}': it lies behind the symbolic link ${item.path.slice(0, at)} of the same entry`);
    }
  }
}

/** Rejects what would leave its root: absolute paths, `..`, empty segments, NUL. */
function checkItemPath(path: string): void {
  if (path === "" || path.includes("\0") || path.startsWith("/") || path.split("/").some((s) => s === "" || s === "." || s === ".."))
    throw new CacheStoreError(`refusing to restore '${path}': it is not a plain path inside its root`);
}
