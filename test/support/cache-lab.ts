// A temporary state directory and workspaces for tests of the cache actions and their store.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import { cacheAction } from "../../src/actions/cache/actions.js";
import { restoreCache, saveCache } from "../../src/actions/cache/index.js";
import { fakeRun, type FakeRun } from "./fake-builtin-run.js";

export interface Lab {
  root: string;
  stateDir: string;
  /** A fresh workspace holding these files. */
  workspace(files?: Record<string, string>): string;
  run(ws: string, opts?: { ref?: string; env?: Record<string, string> }): FakeRun;
}

export function lab(t: TestContext): Lab {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "tierci-cache-store-")));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const stateDir = join(root, "state");
  let n = 0;
  return {
    root,
    stateDir,
    workspace(files = {}) {
      const ws = join(root, `ws${n++}`);
      mkdirSync(ws, { recursive: true });
      write(ws, files);
      return ws;
    },
    run(ws, opts = {}) {
      const run = fakeRun(cacheAction, { workspace: ws, stateDir, env: { HOME: join(ws, "home"), ...opts.env } });
      if (opts.ref) run.ref = opts.ref;
      return run;
    },
  };
}

export function write(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** Every file under dir by its relative path: its text, or `-> target` for a symbolic link. */
export function read(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${prefix}${e.name}/`);
      else out[`${prefix}${e.name}`] = e.isSymbolicLink() ? `-> ${readlinkSync(join(d, e.name))}` : readFileSync(join(d, e.name), "utf8");
    }
  };
  if (existsSync(dir)) walk(dir, "");
  return out;
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

/** Saves these files under `deps` of a fresh workspace as key. */
export async function saveAs(l: Lab, key: string, files: Record<string, string>, opts: { ref?: string } = {}): Promise<void> {
  const ws = l.workspace(Object.fromEntries(Object.entries(files).map(([p, v]) => [`deps/${p}`, v])));
  const result = await saveCache(l.run(ws, opts), { key, paths: ["deps"] });
  assert.equal(result.saved, true, result.reason);
  await tick();
}

/** Restores `deps` into a fresh workspace; what it restored is `files`. */
export async function restoreInto(l: Lab, key: string, restoreKeys: string[], opts: { ref?: string; env?: Record<string, string> } = {}) {
  const ws = l.workspace();
  const run = l.run(ws, opts);
  const result = await restoreCache(run, { key, restoreKeys, paths: ["deps"] });
  return { ...result, files: read(join(ws, "deps")), run };
}

/** The blobs or packs in the lab's store, by name, sorted. */
export function stored(l: Lab, kind: "blobs" | "packs"): string[] {
  const dir = join(l.stateDir, "cache", kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map((f) => basename(String(f)))
    .filter((f) => /^[0-9a-f]{64}$/.test(f))
    .sort();
}
