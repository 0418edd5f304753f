import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test, type TestContext } from "node:test";
import { fakeRun, type FakeRun } from "../../../test/support/fake-builtin-run.js";
import type { BuiltinAction } from "../builtin-types.js";
import { BuiltinFailure } from "../builtin-types.js";
import { cacheAction, cacheRestoreAction, cacheSaveAction } from "./actions.js";
import { cacheStore } from "./index.js";

interface Job {
  ws: string;
  run: FakeRun;
}

function fixture(t: TestContext) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "tierci-cache-actions-")));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const stateDir = join(root, "state");
  let n = 0;
  /** A new job: its own workspace, state shared between the main and post steps. */
  const job = (action: BuiltinAction, inputs: Record<string, string>, files: Record<string, string> = {}): Job => {
    const ws = join(root, `job${n++}`);
    mkdirSync(ws, { recursive: true });
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(join(ws, p)), { recursive: true });
      writeFileSync(join(ws, p), text);
    }
    const run = fakeRun(action, { workspace: ws, stateDir, inputs });
    const state: Record<string, string> = {};
    run.state = state;
    run.saveState = (k, v) => (state[k] = v);
    return { ws, run };
  };
  const keys = async (): Promise<string[]> => (await cacheStore({ stateDir }).list()).map((e) => e.key).sort();
  return { job, keys };
}

const inputs = (key: string, extra: Record<string, string> = {}) => ({ path: "deps", key, ...extra });

test("actions/cache: a miss saves in the post step; an exact hit sets cache-hit and saves nothing", async (t) => {
  const f = fixture(t);
  const first = f.job(cacheAction, inputs("deps-v1", { "restore-keys": "deps-" }));
  await cacheAction.main(first.run);
  assert.equal(first.run.outputs["cache-hit"], undefined, "GitHub leaves cache-hit unset on a miss");
  assert.ok(first.run.logs.includes("Cache not found for input keys: deps-v1, deps-"));
  writeFileSync(join(first.ws, "deps"), "built");
  await cacheAction.post?.(first.run);
  assert.ok(first.run.logs.includes("Cache saved with key: deps-v1"), first.run.logs.join("\n"));

  const second = f.job(cacheAction, inputs("deps-v1", { "restore-keys": "deps-" }));
  await cacheAction.main(second.run);
  assert.equal(second.run.outputs["cache-hit"], "true");
  assert.equal(readFileSync(join(second.ws, "deps"), "utf8"), "built");
  assert.ok(second.run.logs.includes("Cache restored from key: deps-v1"));
  await cacheAction.post?.(second.run);
  assert.ok(second.run.logs.includes("Cache hit occurred on the primary key deps-v1, not saving cache."));

  // A restore-key match restores, says cache-hit false, and saves the new key afterwards.
  const third = f.job(cacheAction, inputs("deps-v2", { "restore-keys": "deps-" }));
  await cacheAction.main(third.run);
  assert.equal(third.run.outputs["cache-hit"], "false");
  await cacheAction.post?.(third.run);
  assert.deepEqual(await f.keys(), ["deps-v1", "deps-v2"]);
});

test("actions/cache: the post step saves only when the job succeeded, unless save-always", async (t) => {
  const f = fixture(t);
  assert.equal(cacheAction.postIf, "always()");
  const failed = f.job(cacheAction, inputs("k1"), { deps: "x" });
  await cacheAction.main(failed.run);
  failed.run.jobStatus = "failure";
  await cacheAction.post?.(failed.run);
  assert.ok(failed.run.logs.includes("Not saving cache: the job's status is failure"));
  const cancelled = f.job(cacheAction, inputs("k1"), { deps: "x" });
  await cacheAction.main(cancelled.run);
  cancelled.run.jobStatus = "cancelled";
  await cacheAction.post?.(cancelled.run);
  assert.deepEqual(await f.keys(), []);

  const always = f.job(cacheAction, inputs("k2", { "save-always": "true" }), { deps: "x" });
  await cacheAction.main(always.run);
  assert.match(always.run.warnings.join("\n"), /Input 'save-always' has been deprecated/);
  always.run.jobStatus = "failure";
  await cacheAction.post?.(always.run);
  assert.deepEqual(await f.keys(), ["k2"]);
});

test("lookup-only finds the entry without restoring it", async (t) => {
  const f = fixture(t);
  const seed = f.job(cacheSaveAction, inputs("k"), { deps: "content" });
  await cacheSaveAction.main(seed.run);
  const look = f.job(cacheAction, inputs("k", { "lookup-only": "true" }));
  await cacheAction.main(look.run);
  assert.equal(look.run.outputs["cache-hit"], "true");
  assert.ok(look.run.logs.includes("Lookup only - skipping download"));
  assert.ok(look.run.logs.includes("Cache found and can be restored from key: k"));
  assert.ok(!existsSync(join(look.ws, "deps")));
  assert.deepEqual(look.run.reports, [{ kind: "cache", key: "k", hit: true, restoredKey: "k" }]);
});

test("fail-on-cache-miss fails the step with GitHub's message", async (t) => {
  const f = fixture(t);
  const j = f.job(cacheAction, inputs("nope", { "fail-on-cache-miss": "true" }));
  await assert.rejects(cacheAction.main(j.run), new BuiltinFailure("Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: nope"));
  const r = f.job(cacheRestoreAction, inputs("nope", { "fail-on-cache-miss": "true" }));
  await assert.rejects(cacheRestoreAction.main(r.run), /fail-on-cache-miss is set/);
});

test("actions/cache/restore outputs the primary and matched keys; actions/cache/save keeps the first entry", async (t) => {
  const f = fixture(t);
  const save = f.job(cacheSaveAction, inputs("deps-1"), { deps: "one" });
  await cacheSaveAction.main(save.run);
  assert.deepEqual(save.run.warnings, []);
  assert.ok(save.run.logs.includes("Cache saved with key: deps-1"));

  const again = f.job(cacheSaveAction, inputs("deps-1"), { deps: "two" });
  await cacheSaveAction.main(again.run);
  assert.ok(again.run.logs.some((l) => l.startsWith("Failed to save: Unable to reserve cache with key deps-1, another job may be creating this cache.")));
  assert.deepEqual(again.run.warnings, ["Cache save failed."]);

  const restore = f.job(cacheRestoreAction, inputs("deps-2", { "restore-keys": "deps-" }));
  await cacheRestoreAction.main(restore.run);
  assert.deepEqual(restore.run.outputs, { "cache-primary-key": "deps-2", "cache-matched-key": "deps-1", "cache-hit": "false" });
  assert.equal(readFileSync(join(restore.ws, "deps"), "utf8"), "one");
  assert.equal(cacheRestoreAction.post, undefined);

  const missing = f.job(cacheRestoreAction, { path: "deps", key: "" });
  await assert.rejects(cacheRestoreAction.main(missing.run), new BuiltinFailure("Input required and not supplied: key"));
});
