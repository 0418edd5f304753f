// What `tierci plan` says of result reuse: loaded only when a job may reuse, so a plan without
// `reuse:` in tiers.yml never opens the run database or fingerprints the tree.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Plan } from "../../plan/plan-types.js";
import { predictReuse, type ReusePrediction } from "../../pipeline/reuse/predict-reuse.js";
import { openStore, type RunStore } from "../../store/index.js";
import type { Repository } from "../../workflow/load.js";

export interface PlanReuseOptions {
  stateDir?: string;
  db?: string;
  /** `--reuse` / `--no-reuse`. */
  reuse?: boolean;
  vars: Record<string, string>;
}

export async function planReuse(repo: Repository, plan: Plan, opts: PlanReuseOptions): Promise<Map<string, ReusePrediction>> {
  const stateDir = resolve(opts.stateDir ?? join(repo.root, ".tierci"));
  const dbPath = opts.db ?? join(stateDir, "tierci.db");
  // No history yet: nothing to reuse, and a plan never creates the database.
  const store: RunStore | undefined = existsSync(dbPath) ? openStore(dbPath) : undefined;
  try {
    return await predictReuse(plan, {
      repoRoot: repo.root,
      recordRoot: repo.root,
      stateDir,
      store,
      event: { name: plan.event, ref: plan.ref },
      vars: opts.vars,
      env: {},
      policy: repo.reuse,
      mode: opts.reuse === true ? "all" : "policy",
    });
  } finally {
    store?.close();
  }
}
