// actions/cache, actions/cache/restore and actions/cache/save (v3-v4) on the local cache
// store, with the messages and outputs of the real actions.
import { BuiltinFailure, type BuiltinAction, type BuiltinRun } from "../builtin-types.js";
import { isExactKeyMatch, pathLines, restoreCache, saveCache } from "./index.js";

const STATE_KEY = "CACHE_KEY";
const STATE_MATCHED = "CACHE_RESULT";
/** An exact hit, known at restore: a key holding a secret is matched by its hash, not its masked text. */
const STATE_EXACT = "CACHE_EXACT_HIT";

const flag = (run: BuiltinRun, name: string): boolean => (run.inputs[name] ?? "").toLowerCase() === "true";

function required(run: BuiltinRun, name: string): string {
  const value = (run.inputs[name] ?? "").trim();
  if (!value) throw new BuiltinFailure(`Input required and not supplied: ${name}`);
  return value;
}

/** The restore half shared by actions/cache and actions/cache/restore. */
async function restore(run: BuiltinRun, remember: (name: string, value: string) => void): Promise<void> {
  const key = required(run, "key");
  remember(STATE_KEY, key);
  const restoreKeys = pathLines(run.inputs["restore-keys"] ?? "");
  const paths = pathLines(required(run, "path"));
  const lookupOnly = flag(run, "lookup-only");
  const { hit, matchedKey } = await restoreCache(run, { key, restoreKeys, paths, lookupOnly });
  if (matchedKey === null) {
    // GitHub leaves cache-hit unset on a miss (actions/cache#1466).
    if (flag(run, "fail-on-cache-miss")) throw new BuiltinFailure(`Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: ${key}`);
    run.log(`Cache not found for input keys: ${[key, ...restoreKeys].join(", ")}`);
    return;
  }
  remember(STATE_MATCHED, matchedKey);
  if (hit) remember(STATE_EXACT, "true");
  run.setOutput("cache-hit", String(hit));
  run.log(lookupOnly ? `Cache found and can be restored from key: ${matchedKey}` : `Cache restored from key: ${matchedKey}`);
}

/** The save half; returns false when nothing was saved. */
async function save(run: BuiltinRun, primaryKey: string, restoredKey: string | undefined, exactHit = false): Promise<boolean> {
  if (!primaryKey) {
    run.warning("Key is not specified.");
    return true;
  }
  if (exactHit || isExactKeyMatch(primaryKey, restoredKey)) {
    run.log(`Cache hit occurred on the primary key ${run.mask(primaryKey)}, not saving cache.`);
    return true;
  }
  const paths = pathLines(run.inputs["path"] ?? "");
  const result = await saveCache(run, { key: primaryKey, paths });
  if (result.saved) run.log(`Cache saved with key: ${primaryKey}`);
  return result.saved;
}

const common = {
  path: { required: true },
  key: { required: true },
  "restore-keys": { default: "" },
  enableCrossOsArchive: { default: "false" },
  "fail-on-cache-miss": { default: "false" },
  "lookup-only": { default: "false" },
};

export const cacheAction: BuiltinAction = {
  name: "actions/cache",
  inputs: { ...common, "upload-chunk-size": { default: "" }, "save-always": { default: "false" } },
  async main(run) {
    if (flag(run, "save-always")) {
      run.warning(
        "Input 'save-always' has been deprecated with message: save-always does not work as intended and will be removed in a future release. A separate `actions/cache/restore` step should be used instead.",
      );
    }
    await restore(run, (name, value) => run.saveState(name, value));
  },
  // Always, so that save-always can save after a failure; without it the post step
  // saves only after success, as the real action's `post-if: success()`.
  postIf: "always()",
  async post(run) {
    if (run.jobStatus !== "success" && !flag(run, "save-always")) {
      run.log(`Not saving cache: the job's status is ${run.jobStatus}`);
      return;
    }
    await save(run, run.state[STATE_KEY] || (run.inputs["key"] ?? ""), run.state[STATE_MATCHED], run.state[STATE_EXACT] === "true");
  },
};

export const cacheRestoreAction: BuiltinAction = {
  name: "actions/cache/restore",
  inputs: common,
  async main(run) {
    const outputs: Record<string, string> = { [STATE_KEY]: "cache-primary-key", [STATE_MATCHED]: "cache-matched-key" };
    await restore(run, (name, value) => {
      const output = outputs[name];
      if (output) run.setOutput(output, value);
    });
  },
};

export const cacheSaveAction: BuiltinAction = {
  name: "actions/cache/save",
  inputs: { path: { required: true }, key: { required: true }, "upload-chunk-size": { default: "" }, enableCrossOsArchive: { default: "false" } },
  async main(run) {
    if (!(await save(run, (run.inputs["key"] ?? "").trim(), undefined))) run.warning("Cache save failed.");
  },
};
