import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { lab, read, restoreInto, saveAs, stored, type Lab } from "../../../test/support/cache-lab.js";
import { readManifest, type Manifest } from "./entries.js";
import { cacheStore, saveCache } from "./index.js";
import { PACK_FILES, PACK_THRESHOLD } from "./packs.js";

const storeDir = (l: Lab): string => join(l.stateDir, "cache");
const packsIn = (l: Lab): string[] => stored(l, "packs");
const blobsIn = (l: Lab): string[] => stored(l, "blobs");

async function entryIdOf(l: Lab, key: string): Promise<string> {
  const entry = (await cacheStore(l).list()).find((e) => e.key === key);
  assert.ok(entry, `entry ${key}`);
  return entry.id;
}

const entryFileOf = async (l: Lab, key: string): Promise<string> => join(storeDir(l), "entries", `${await entryIdOf(l, key)}.json`);
const manifestOf = async (l: Lab, key: string): Promise<Manifest> => (await readManifest(storeDir(l), await entryIdOf(l, key))).manifest;

const itemAt = (m: Manifest, path: string) => m.items.find((i) => i.path === path);

test("small files go to packs and larger ones to blobs; a round trip keeps contents, empty files, links, modes and times", async (t) => {
  const l = lab(t);
  const files: Record<string, string> = {};
  for (let i = 0; i < PACK_FILES + 300; i++) files[`deps/src/m${i % 10}/f${i}.txt`] = `line ${i}\n`.repeat(i % 40);
  files["deps/edge/below"] = "b".repeat(PACK_THRESHOLD - 1);
  files["deps/edge/at"] = "a".repeat(PACK_THRESHOLD);
  files["deps/edge/large"] = "l".repeat(5 * PACK_THRESHOLD);
  files["deps/empty"] = "";
  const ws = l.workspace(files);
  chmodSync(join(ws, "deps/src/m1/f1.txt"), 0o755);
  chmodSync(join(ws, "deps/edge/below"), 0o600);
  chmodSync(join(ws, "deps/edge/at"), 0o751);
  symlinkSync("src/m2/f2.txt", join(ws, "deps/link"));
  const when = new Date("2021-05-06T07:08:09Z");
  utimesSync(join(ws, "deps/src/m3/f3.txt"), when, when);
  assert.equal((await saveCache(l.run(ws), { key: "k", paths: ["deps"] })).saved, true);

  const m = await manifestOf(l, "k");
  assert.equal(m.format, 2);
  assert.ok((m.packs ?? []).length >= 2, "more files than one pack holds");
  assert.deepEqual(m.packs?.slice().sort(), packsIn(l));
  assert.equal(itemAt(m, "deps/edge/below")?.blob, undefined);
  assert.equal(itemAt(m, "deps/edge/below")?.size, PACK_THRESHOLD - 1);
  assert.match(itemAt(m, "deps/edge/at")?.blob ?? "", /^[0-9a-f]{64}$/);
  assert.equal(itemAt(m, "deps/edge/at")?.pack, undefined);
  assert.deepEqual([itemAt(m, "deps/empty")?.size, typeof itemAt(m, "deps/empty")?.pack], [0, "number"]);
  assert.equal(blobsIn(l).length, 2, "the file at the threshold and the large one");

  const out = await restoreInto(l, "k", []);
  assert.equal(out.hit, true);
  assert.deepEqual(out.files, read(join(ws, "deps")));
  const restored = join(out.run.workspace, "deps");
  assert.equal(statSync(join(restored, "src/m1/f1.txt")).mode & 0o7777, 0o755);
  assert.equal(statSync(join(restored, "edge/below")).mode & 0o7777, 0o600);
  assert.equal(statSync(join(restored, "edge/at")).mode & 0o7777, 0o751);
  assert.equal(statSync(join(restored, "src/m4/f4.txt")).mode & 0o7777, statSync(join(ws, "deps/src/m4/f4.txt")).mode & 0o7777);
  assert.equal(statSync(join(restored, "src/m3/f3.txt")).mtime.toISOString(), when.toISOString());
  assert.equal(out.files["link"], "-> src/m2/f2.txt");
  assert.equal(out.files["empty"], "");
});

test("a re-save reads only changed files; collections keep the packs any entry uses and delete the rest", async (t) => {
  const l = lab(t);
  const ws = l.workspace({ "deps/a": "first a", "deps/b": "b stays", "deps/big": "g".repeat(2 * PACK_THRESHOLD) });
  const save = async (key: string): Promise<void> => assert.equal((await saveCache(l.run(ws), { key, paths: ["deps"] })).saved, true);
  await save("k1");
  const [first] = packsIn(l);
  assert.ok(first);

  await save("k2");
  assert.deepEqual((await manifestOf(l, "k2")).packs, [first], "an unchanged tree names the packs it already has");

  writeFileSync(join(ws, "deps/a"), "second a!");
  await save("k3");
  const k3 = await manifestOf(l, "k3");
  const added = packsIn(l).filter((p) => p !== first);
  assert.equal(added.length, 1);
  assert.equal(statSync(join(storeDir(l), "packs", added[0] as string)).size, "second a!".length, "only the changed file was packed again");
  assert.deepEqual(k3.packs?.slice().sort(), [first, added[0]].sort());

  const store = cacheStore(l);
  await store.remove({ key: "k1" });
  await store.remove({ key: "k2" });
  assert.deepEqual(packsIn(l), [first, added[0]].sort(), "k3 still uses the first pack for b");
  assert.deepEqual((await restoreInto(l, "k3", [])).files, { a: "second a!", b: "b stays", big: "g".repeat(2 * PACK_THRESHOLD) });

  const pruned = await store.prune({ maxBytes: 0 });
  assert.deepEqual([pruned.entries.length, pruned.packs, pruned.blobs], [1, 2, 1]);
  assert.deepEqual([packsIn(l), blobsIn(l)], [[], []]);
});

test("a truncated or altered pack is a miss with a warning, writes none of its files, and its entry is saved anew next time", async (t) => {
  const l = lab(t);
  const files = { a: "alpha", b: "bravo", big: "g".repeat(2 * PACK_THRESHOLD) };
  const damages: [string, (path: string) => void][] = [
    ["truncated", (path) => truncateSync(path, statSync(path).size - 1)],
    [
      "altered",
      (path) => {
        const data = readFileSync(path);
        data[0] = (data[0] as number) ^ 1;
        writeFileSync(path, data);
      },
    ],
  ];
  for (const [how, damage] of damages) {
    await saveAs(l, "k", files);
    const [pack] = packsIn(l);
    assert.ok(pack, how);
    damage(join(storeDir(l), "packs", pack));

    const out = await restoreInto(l, "k", []);
    assert.deepEqual([out.hit, out.matchedKey], [false, null], how);
    assert.equal(out.files["a"] ?? out.files["b"], undefined, `${how}: nothing of the damaged pack is written`);
    assert.deepEqual(out.run.warnings, [
      `Failed to restore: the cache store's pack ${pack} is damaged (its content no longer matches its hash); the entries that use it were removed, so the next save stores their files again`,
    ]);
    assert.deepEqual(await cacheStore(l).list(), [], how);
    assert.deepEqual(packsIn(l), [], how);

    await saveAs(l, "k", files);
    assert.deepEqual((await restoreInto(l, "k", [])).files, files, how);
    await cacheStore(l).remove({ key: "k" });
  }
});

test("entries saved before packs, every file a blob, still restore; a manifest of a newer format is a miss", async (t) => {
  const l = lab(t);
  await saveAs(l, "k", { a: "alpha", "sub/b": "bravo" });
  const file = await entryFileOf(l, "k");
  const [header, body] = readFileSync(file, "utf8").split("\n") as [string, string];
  const m = JSON.parse(body) as Manifest;
  for (const item of m.items) {
    if (item.pack === undefined) continue;
    const data = readFileSync(join(storeDir(l), "packs", (m.packs ?? [])[item.pack] as string)).subarray(item.offset, (item.offset as number) + item.size);
    const hash = createHash("sha256").update(data).digest("hex");
    mkdirSync(join(storeDir(l), "blobs", hash.slice(0, 2)), { recursive: true });
    writeFileSync(join(storeDir(l), "blobs", hash.slice(0, 2), hash), data);
    item.blob = hash;
    delete item.pack;
    delete item.offset;
  }
  const rewrite = (manifest: object): void => writeFileSync(file, `${header}\n${JSON.stringify(manifest)}\n`);
  rewrite({ roots: m.roots, items: m.items });
  rmSync(join(storeDir(l), "packs"), { recursive: true });
  assert.deepEqual((await restoreInto(l, "k", [])).files, { a: "alpha", "sub/b": "bravo" });

  rewrite({ format: 3, roots: m.roots, items: m.items });
  const newer = await restoreInto(l, "k", []);
  assert.deepEqual([newer.hit, newer.files], [false, {}]);
  assert.deepEqual(newer.run.warnings, ["Failed to restore: the entry was saved by a newer tierci (manifest format 3); upgrade tierci to restore it"]);

  for (const bad of [{ pack: 1, offset: 0 }, { pack: 0, offset: -1 }, { pack: 0 }]) {
    rewrite({ format: 2, roots: m.roots, packs: ["0".repeat(64)], items: m.items.map((i) => (i.type === "file" ? { ...i, blob: undefined, ...bad } : i)) });
    const refused = await restoreInto(l, "k", []);
    assert.deepEqual([refused.hit, refused.files], [false, {}], JSON.stringify(bad));
    assert.match(refused.run.warnings.join("\n"), /names its content by neither a blob's SHA-256 nor a span of a pack/);
  }
});

test("a manifest span beyond the end of an intact pack is refused, and the pack and entry stay", async (t) => {
  const l = lab(t);
  await saveAs(l, "k", { a: "alpha", b: "bravo" });
  const file = await entryFileOf(l, "k");
  const [header, body] = readFileSync(file, "utf8").split("\n") as [string, string];
  const m = JSON.parse(body) as Manifest;
  writeFileSync(file, `${header}\n${JSON.stringify({ ...m, items: m.items.map((i) => (i.path === "deps/b" ? { ...i, offset: 8 } : i)) })}\n`);
  const out = await restoreInto(l, "k", []);
  assert.equal(out.hit, false);
  assert.match(out.run.warnings.join("\n"), /refusing to restore .*deps\/b: its manifest places it at bytes 8\+5 of pack [0-9a-f]{64}, which has 10/);
  assert.equal(out.files["b"], undefined);
  assert.deepEqual(packsIn(l), m.packs);
  assert.equal((await cacheStore(l).list()).length, 1);
});
