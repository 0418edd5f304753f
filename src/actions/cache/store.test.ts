import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { lab, read, restoreInto, saveAs, stored, write } from "../../../test/support/cache-lab.js";
import { fakeRun, type FakeRun } from "../../../test/support/fake-builtin-run.js";
import { BuiltinFailure } from "../builtin-types.js";
import { cacheAction } from "./actions.js";
import { cacheStore, cacheVersion, restoreCache, saveCache } from "./index.js";
import { compilePaths } from "./paths.js";
import { parseSize } from "./limits.js";
import { CacheStore } from "./store.js";

test("restore keys: exact key, else the newest match of the key, else of each restore key in order", async (t) => {
  const l = lab(t);
  await saveAs(l, "deps-a-1", { v: "a1" });
  await saveAs(l, "deps-a-2", { v: "a2" });
  await saveAs(l, "deps-b-1", { v: "b1" });
  await saveAs(l, "deps-main", { v: "main" });

  const exact = await restoreInto(l, "deps-main", ["deps-a-", "deps-"]);
  assert.deepEqual([exact.hit, exact.matchedKey, exact.files], [true, "deps-main", { v: "main" }]);
  assert.deepEqual(exact.run.reports, [{ kind: "cache", key: "deps-main", hit: true, restoredKey: "deps-main" }]);

  const first = await restoreInto(l, "deps-zzz", ["deps-a-", "deps-"]);
  assert.deepEqual([first.hit, first.matchedKey, first.files], [false, "deps-a-2", { v: "a2" }]);
  assert.ok(first.run.logs.includes("Cache hit for restore-key: deps-a-2"));

  const later = await restoreInto(l, "deps-zzz", ["deps-c-", "deps-b-", "deps-"]);
  assert.equal(later.matchedKey, "deps-b-1");

  // GitHub also matches the primary key as a prefix before the restore keys.
  const prefix = await restoreInto(l, "deps-a", ["deps-b-"]);
  assert.deepEqual([prefix.hit, prefix.matchedKey], [false, "deps-a-2"]);

  const miss = await restoreInto(l, "other", ["nothing-"]);
  assert.deepEqual([miss.hit, miss.matchedKey, miss.files], [false, null, {}]);
  assert.deepEqual(miss.run.reports, [{ kind: "cache", key: "other", hit: false, restoredKey: null }]);
});

test("entries saved with other path patterns are another cache (GitHub's version)", async (t) => {
  const l = lab(t);
  await saveAs(l, "k", { v: "1" });
  const ws = l.workspace();
  const r = await restoreCache(l.run(ws), { key: "k", restoreKeys: [], paths: ["deps", "more"] });
  assert.equal(r.matchedKey, null);
  assert.notEqual(cacheVersion(["deps"]), cacheVersion(["deps", "more"]));
});

test("branch scopes: own branch first, then the default branch; other branches stay invisible", async (t) => {
  const l = lab(t);
  await saveAs(l, "deps-1", { v: "main" }, { ref: "refs/heads/main" });
  await saveAs(l, "deps-2", { v: "feature" }, { ref: "refs/heads/feature" });
  await saveAs(l, "deps-3", { v: "other" }, { ref: "refs/heads/other" });

  const onFeature = await restoreInto(l, "deps-x", ["deps-"], { ref: "refs/heads/feature" });
  assert.equal(onFeature.matchedKey, "deps-2");
  // The current branch's restore-key match beats an exact match on the default branch.
  const exactOnMain = await restoreInto(l, "deps-1", ["deps-"], { ref: "refs/heads/feature" });
  assert.deepEqual([exactOnMain.matchedKey, exactOnMain.hit], ["deps-2", false]);

  const onFresh = await restoreInto(l, "deps-x", ["deps-"], { ref: "refs/heads/fresh" });
  assert.equal(onFresh.matchedKey, "deps-1", "a new branch falls back to the default branch");
  const onMain = await restoreInto(l, "deps-x", ["deps-"], { ref: "refs/heads/main" });
  assert.equal(onMain.matchedKey, "deps-1", "the default branch never sees feature entries");

  const pr = await restoreInto(l, "deps-x", ["deps-"], { ref: "refs/pull/7/merge", env: { GITHUB_BASE_REF: "other" } });
  assert.equal(pr.matchedKey, "deps-3", "a pull request sees its base branch");

  // Saving is always into the current ref's scope: the same key may exist per branch.
  const ws = l.workspace({ "deps/v": "again" });
  assert.equal((await saveCache(l.run(ws, { ref: "refs/heads/fresh" }), { key: "deps-1", paths: ["deps"] })).saved, true);
  assert.equal((await saveCache(l.run(ws, { ref: "refs/heads/main" }), { key: "deps-1", paths: ["deps"] })).saved, false);
});

test("a key is never overwritten: the second save says it already exists", async (t) => {
  const l = lab(t);
  await saveAs(l, "k", { v: "first" });
  const ws = l.workspace({ "deps/v": "second" });
  const run = l.run(ws);
  const r = await saveCache(run, { key: "k", paths: ["deps"] });
  assert.equal(r.saved, false);
  assert.match(
    run.logs.join("\n"),
    /Failed to save: Unable to reserve cache with key k, another job may be creating this cache\. More details: Cache already exists\. Scope: refs\/heads\/main, Key: k/,
  );
  assert.deepEqual((await restoreInto(l, "k", [])).files, { v: "first" });
});

test("concurrent saves of one key from promises and processes: one wins, the entry restores whole", async (t) => {
  const l = lab(t);
  const tree = (tag: string): Record<string, string> =>
    Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`deps/d${i % 4}/f${i}`, `${tag}-${i}-${"x".repeat(i * 50)}`]));
  const trees = ["p0", "p1", "p2", "c0", "c1", "c2"].map((tag) => ({ tag, ws: l.workspace(tree(tag)) }));
  const storeJs = fileURLToPath(new URL("./index.js", import.meta.url));
  const child = (ws: string): Promise<string> =>
    promisify(execFile)(process.execPath, [
      "--input-type=module",
      "-e",
      `import { saveCache } from ${JSON.stringify(storeJs)};
       const run = { ref: "refs/heads/main", stateDir: ${JSON.stringify(l.stateDir)}, workspace: ${JSON.stringify(ws)}, env: { HOME: ${JSON.stringify(ws)} }, mask: (t) => t, log() {}, warning() {} };
       const r = await saveCache(run, { key: "shared", paths: ["deps"] });
       process.stdout.write(String(r.saved));`,
    ]).then((r) => r.stdout);
  const results = await Promise.all(
    trees.map(({ tag, ws }) => (tag.startsWith("c") ? child(ws) : saveCache(l.run(ws), { key: "shared", paths: ["deps"] }).then((r) => String(r.saved)))),
  );
  assert.equal(results.filter((r) => r === "true").length, 1, results.join(","));
  const entries = await cacheStore({ stateDir: l.stateDir }).list();
  assert.deepEqual(
    entries.map((e) => e.key),
    ["shared"],
  );
  const restored = (await restoreInto(l, "shared", [])).files;
  const winner = trees.find(({ tag }) => restored["d0/f0"]?.startsWith(`${tag}-`));
  assert.ok(winner, JSON.stringify(restored).slice(0, 200));
  assert.deepEqual(restored, Object.fromEntries(Object.entries(tree(winner.tag)).map(([p, v]) => [p.slice("deps/".length), v])));
  assert.ok(!existsSync(join(l.stateDir, "cache", "lock")));
});

test("the size cap evicts the least recently used entries and their unshared blobs and packs", async (t) => {
  const l = lab(t);
  // Room for k1, k3 and k4, not for k2 as well.
  process.env["TIERCI_CACHE_MAX_BYTES"] = "143500";
  t.after(() => delete process.env["TIERCI_CACHE_MAX_BYTES"]);
  const shared = "s".repeat(70_000);
  await saveAs(l, "k1", { v: "1".repeat(1000) });
  await saveAs(l, "k2", { v: "2".repeat(1000) });
  await saveAs(l, "k3", { v: "3".repeat(1000), shared });
  const store = cacheStore({ stateDir: l.stateDir });
  const setAccess = async (key: string, secondsAgo: number): Promise<void> => {
    const e = (await store.list()).find((x) => x.key === key);
    const when = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(join(store.dir, "entries", `${e?.id}.json`), when, when);
  };
  await setAccess("k1", 30);
  await setAccess("k2", 20);
  await setAccess("k3", 10);
  // Restoring k1 makes it the most recently used.
  assert.equal((await restoreInto(l, "k1", [])).matchedKey, "k1");
  await saveAs(l, "k4", { v: "4".repeat(1000), shared });
  assert.deepEqual((await store.list()).map((e) => e.key).sort(), ["k1", "k3", "k4"]);
  assert.equal(stored(l, "packs").length, 3, "k2's pack is gone");
  assert.equal(stored(l, "blobs").length, 1, "the large file k3 and k4 share is one blob");
  assert.deepEqual((await restoreInto(l, "k3", [])).files, { v: "3".repeat(1000), shared });

  // An entry bigger than the cap is not saved at all.
  const ws = l.workspace({ "deps/big": "b".repeat(150_000) });
  const run = l.run(ws);
  assert.equal((await saveCache(run, { key: "big", paths: ["deps"] })).saved, false);
  assert.match(run.warnings.join("\n"), /Cache size of ~0 MB \(150000 B\) is over the 140 KB limit, not saving cache\./);
});

test("entries unused for 7 days expire, as on GitHub; prune removes them and their blobs", async (t) => {
  const l = lab(t);
  await saveAs(l, "old", { v: "old" });
  await saveAs(l, "new", { v: "new" });
  const store = cacheStore({ stateDir: l.stateDir });
  const old = (await store.list()).find((e) => e.key === "old");
  const when = new Date(Date.now() - 8 * 86400_000);
  utimesSync(join(store.dir, "entries", `${old?.id}.json`), when, when);
  const pruned = await store.prune();
  assert.deepEqual(
    pruned.entries.map((e) => e.key),
    ["old"],
  );
  assert.deepEqual([pruned.blobs, pruned.packs], [0, 1]);
  assert.deepEqual(
    (await store.list()).map((e) => e.key),
    ["new"],
  );
  assert.deepEqual(
    (await store.prune({ maxBytes: 0 })).entries.map((e) => e.key),
    ["new"],
  );
});

test("restored files are independent copies with their modes, times and links", async (t) => {
  const l = lab(t);
  const ws = l.workspace({ "deps/run.sh": "#!/bin/sh\n", "deps/data.txt": "data" });
  mkdirSync(join(ws, "deps/empty"));
  chmodSync(join(ws, "deps/run.sh"), 0o755);
  symlinkSync("data.txt", join(ws, "deps/link"));
  utimesSync(join(ws, "deps/data.txt"), new Date("2020-01-02T03:04:05Z"), new Date("2020-01-02T03:04:05Z"));
  assert.equal((await saveCache(l.run(ws), { key: "k", paths: ["deps"] })).saved, true);

  const first = await restoreInto(l, "k", []);
  const out = join(first.run.workspace, "deps");
  assert.deepEqual(first.files, { "data.txt": "data", link: "-> data.txt", "run.sh": "#!/bin/sh\n" });
  assert.ok(statSync(join(out, "empty")).isDirectory());
  assert.equal(statSync(join(out, "run.sh")).mode & 0o777, 0o755);
  assert.equal(statSync(join(out, "data.txt")).mtime.toISOString(), "2020-01-02T03:04:05.000Z");
  assert.ok(lstatSync(join(out, "link")).isSymbolicLink());

  writeFileSync(join(out, "data.txt"), "changed by a job");
  assert.deepEqual((await restoreInto(l, "k", [])).files["data.txt"], "data");
});

test("saving an unchanged tree again hashes nothing, yet a same-size rewrite is noticed", async (t) => {
  const l = lab(t);
  const ws = l.workspace({ "deps/a": "aaaa", "deps/b": "bbbb" });
  assert.equal((await saveCache(l.run(ws), { key: "k1", paths: ["deps"] })).saved, true);
  const statCache = JSON.parse(readFileSync(join(l.stateDir, "cache", "stat-cache.json"), "utf8")) as { entries: unknown[] };
  assert.equal(statCache.entries.length, 2);
  // Same size and mtime: only the changed ctime tells.
  const before = statSync(join(ws, "deps/a"));
  writeFileSync(join(ws, "deps/a"), "AAAA");
  utimesSync(join(ws, "deps/a"), before.atime, before.mtime);
  assert.equal((await saveCache(l.run(ws), { key: "k2", paths: ["deps"] })).saved, true);
  const ws2 = l.workspace();
  await restoreCache(l.run(ws2), { key: "k2", restoreKeys: [], paths: ["deps"] });
  assert.deepEqual(read(join(ws2, "deps")), { a: "AAAA", b: "bbbb" });
});

test("a collection between saves makes the next save store its blobs and packs again", async (t) => {
  const l = lab(t);
  const files = { a: "content", big: "g".repeat(70_000) };
  const ws = l.workspace({ "deps/a": files.a, "deps/big": files.big });
  assert.equal((await saveCache(l.run(ws), { key: "k1", paths: ["deps"] })).saved, true);
  const store = cacheStore({ stateDir: l.stateDir });
  await store.remove({ key: "k1" });
  assert.deepEqual([stored(l, "blobs"), stored(l, "packs")], [[], []]);
  assert.equal((await saveCache(l.run(ws), { key: "k2", paths: ["deps"] })).saved, true);
  const ws2 = l.workspace();
  assert.equal((await restoreCache(l.run(ws2), { key: "k2", restoreKeys: [], paths: ["deps"] })).hit, true);
  assert.deepEqual(read(join(ws2, "deps")), files);
});

test("keys GitHub refuses fail a restore and are a warning on save", async (t) => {
  const l = lab(t);
  const ws = l.workspace({ "deps/a": "x" });
  await assert.rejects(
    restoreCache(l.run(ws), { key: "a,b", restoreKeys: [], paths: ["deps"] }),
    new BuiltinFailure("Key Validation Error: a,b cannot contain commas."),
  );
  const long = "k".repeat(513);
  await assert.rejects(
    restoreCache(l.run(ws), { key: "ok", restoreKeys: [long], paths: ["deps"] }),
    new BuiltinFailure(`Key Validation Error: ${long} cannot be larger than 512 characters.`),
  );
  await assert.rejects(
    restoreCache(l.run(ws), { key: "k", restoreKeys: Array.from({ length: 10 }, (_, i) => `r${i}`), paths: ["deps"] }),
    new BuiltinFailure("Key Validation Error: Keys are limited to a maximum of 10."),
  );
  const run = l.run(ws);
  assert.deepEqual(await saveCache(run, { key: "a,b", paths: ["deps"] }), { saved: false, reason: "Key Validation Error: a,b cannot contain commas." });
  assert.deepEqual(run.warnings, ["Key Validation Error: a,b cannot contain commas."]);
  const none = l.run(ws);
  assert.equal((await saveCache(none, { key: "k", paths: ["missing/**"] })).saved, false);
  assert.deepEqual(none.warnings, ["Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved."]);
});

test("traversal: a manifest path that leaves its root, or a link on the way, is refused", async (t) => {
  const l = lab(t);
  await saveAs(l, "k", { inside: "ok" });
  const store = new CacheStore(join(l.stateDir, "cache"));
  const entry = (await store.list())[0];
  assert.ok(entry);
  const manifestPath = join(store.dir, "entries", `${entry.id}.json`);
  const original = readFileSync(manifestPath, "utf8");
  const [header, body] = original.split("\n") as [string, string];
  const tamper = (edit: (m: { roots: string[]; items: Record<string, unknown>[] }) => void): void => {
    const m = JSON.parse(body) as { roots: string[]; items: Record<string, unknown>[] };
    edit(m);
    writeFileSync(manifestPath, `${header}\n${JSON.stringify(m)}\n`);
  };
  const attempt = async (): Promise<{ ws: string; run: FakeRun; matched: string | null }> => {
    const ws = l.workspace();
    const run = l.run(ws);
    const r = await restoreCache(run, { key: "k", restoreKeys: [], paths: ["deps"] });
    return { ws, run, matched: r.matchedKey };
  };

  for (const bad of ["../escaped", "deps/../../escaped", "/etc/escaped", "deps//x", ""]) {
    tamper((m) => m.items.push({ ...m.items.find((i) => i["type"] === "file"), path: bad }));
    const r = await attempt();
    assert.equal(r.matched, null, bad);
    assert.match(r.run.warnings.join("\n"), /Failed to restore: refusing to restore/, bad);
    assert.ok(!existsSync(join(l.root, "escaped")) && !existsSync(join(dirname(l.root), "escaped")));
  }

  tamper((m) => {
    m.items.push({ root: 0, path: "deps/out", type: "symlink", mode: 0o777, size: 0, mtime: 0, target: l.root });
    m.items.push({ ...m.items.find((i) => i["type"] === "file"), path: "deps/out/escaped" });
  });
  assert.match((await attempt()).run.warnings.join("\n"), /behind the symbolic link deps\/out of the same entry/);

  tamper((m) => (m.roots = ["/etc"]));
  assert.match((await attempt()).run.warnings.join("\n"), /holds files of \/etc, which the path input does not name/);

  // An existing link in the job's workspace does not redirect the restore either.
  writeFileSync(manifestPath, original);
  const ws = l.workspace();
  const outside = join(l.root, "outside");
  mkdirSync(outside);
  symlinkSync(outside, join(ws, "deps"));
  const run = l.run(ws);
  assert.equal((await restoreCache(run, { key: "k", restoreKeys: [], paths: ["deps"] })).matchedKey, null);
  assert.match(run.warnings.join("\n"), /resolves to .*outside, outside/);
  assert.deepEqual(readdirSync(outside), []);
});

test("sizes parse with binary suffixes", () => {
  assert.equal(parseSize("10G"), 10 * 1024 ** 3);
  assert.equal(parseSize("512m"), 512 * 1024 ** 2);
  assert.equal(parseSize("1500"), 1500);
  assert.throws(() => parseSize("lots"), /not a size/);
});

test("roots resolve per job: an entry saved in one workspace and HOME restores into another", async (t) => {
  const l = lab(t);
  const ws = l.workspace({ "build/y": "ws file" });
  write(join(l.root, "home-a"), { ".cache/tool/x": "home file" });
  const paths = ["~/.cache/tool", "build"];
  assert.equal((await saveCache(l.run(ws, { env: { HOME: join(l.root, "home-a") } }), { key: "k", paths })).saved, true);
  const ws2 = l.workspace();
  const home2 = join(l.root, "home-b");
  assert.equal((await restoreCache(l.run(ws2, { env: { HOME: home2 } }), { key: "k", restoreKeys: [], paths })).hit, true);
  assert.deepEqual(read(ws2), { "build/y": "ws file" });
  assert.deepEqual(read(home2), { ".cache/tool/x": "home file" });
  assert.deepEqual(
    compilePaths(paths, { workspace: ws2, home: home2 }).roots.map((r) => r.spec),
    ["~/.cache", "."],
  );
});

test("a lock left by a process that died, or by a PID now reused, is taken over", async (t) => {
  const l = lab(t);
  const lock = join(l.stateDir, "cache", "lock");
  mkdirSync(dirname(lock), { recursive: true });
  // The highest pid Linux hands out is below 2^22.
  const owners = [
    { pid: 4194305, host: hostname(), startTime: 1 },
    // This very PID, but started at another time: the process that wrote it has ended.
    { pid: process.pid, host: hostname(), startTime: -1 },
  ];
  for (const [n, owner] of owners.entries()) {
    writeFileSync(lock, JSON.stringify(owner));
    const ws = l.workspace({ "deps/a": `x${n}` });
    assert.equal((await saveCache(l.run(ws), { key: `k${n}`, paths: ["deps"] })).saved, true);
    assert.ok(!existsSync(lock));
  }
});

test("a lock held by a process of another host is waited for, never broken", async (t) => {
  const l = lab(t);
  const lock = join(l.stateDir, "cache", "lock");
  mkdirSync(dirname(lock), { recursive: true });
  const foreign = JSON.stringify({ pid: 1, host: `${hostname()}-elsewhere`, startTime: 1 });
  writeFileSync(lock, foreign);
  let done = false;
  const saving = saveCache(l.run(l.workspace({ "deps/a": "x" })), { key: "k", paths: ["deps"] }).then((r) => ((done = true), r));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(done, false);
  assert.equal(readFileSync(lock, "utf8"), foreign);
  rmSync(lock);
  assert.equal((await saving).saved, true);
});

test("a job running in place never caches tierci's own state", async (t) => {
  const l = lab(t);
  const ws = l.workspace({ "src/a.py": "a" });
  const run = fakeRun(cacheAction, { workspace: ws, stateDir: join(ws, ".tierci"), env: { HOME: join(ws, "home") } });
  assert.equal((await saveCache(run, { key: "k1", paths: ["."] })).saved, true);
  assert.equal((await saveCache(run, { key: "k2", paths: ["."] })).saved, true);
  const entry = (await cacheStore(run).list()).find((e) => e.key === "k2");
  assert.equal(entry?.files, 3, "the workspace itself, src and src/a.py, not .tierci");
});

test("keys that differ only in a secret are two entries, stored masked and named by the store's keyed hash", async (t) => {
  const l = lab(t);
  const secrets = ["s3cr3t-alpha", "s3cr3t-bravo"];
  const masked = (ws: string): FakeRun => {
    const run = l.run(ws);
    run.mask = (text) => secrets.reduce((s, x) => s.split(x).join("***"), text);
    return run;
  };
  for (const s of secrets) {
    const ws = l.workspace({ "deps/v": s.toUpperCase() });
    assert.equal((await saveCache(masked(ws), { key: `deps-${s}`, paths: ["deps"] })).saved, true);
  }
  const store = cacheStore({ stateDir: l.stateDir });
  assert.deepEqual(
    (await store.list()).map((e) => e.key),
    ["deps-***", "deps-***"],
  );
  assert.equal(statSync(join(store.dir, "id-key")).mode & 0o777, 0o600);
  for (const s of secrets) {
    const ws = l.workspace();
    const result = await restoreCache(masked(ws), { key: `deps-${s}`, restoreKeys: [], paths: ["deps"] });
    assert.deepEqual(result, { hit: true, matchedKey: "deps-***" });
    assert.equal(readFileSync(join(ws, "deps", "v"), "utf8"), s.toUpperCase());
  }
  // A third secret masks alike, but only a prefix of the masked text matches: not a hit.
  secrets.push("s3cr3t-charlie");
  const other = await restoreCache(masked(l.workspace()), { key: "deps-s3cr3t-charlie", restoreKeys: [], paths: ["deps"] });
  assert.equal(other.hit, false);
});
