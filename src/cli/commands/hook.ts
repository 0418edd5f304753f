// `tierci hook install|uninstall|run`: tier 1 as a git pre-push hook.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { installHook, uninstallHook } from "../../init/hook.js";
import type { Out } from "../output.js";
import { runCommand, type RunOptions } from "./run.js";

/** bin/tierci.js of this installation, recorded in the hook so it runs the same tierci. */
const CLI_PATH = fileURLToPath(new URL("../../../../bin/tierci.js", import.meta.url));

export function hookInstallCommand(out: Out, opts: { repo: string; force?: boolean }): number {
  const { result, path } = installHook(resolve(opts.repo), CLI_PATH, opts.force === true);
  if (result === "foreign") {
    out.err(`${path} exists and was not written by tierci; use --force to replace it`);
    return 1;
  }
  out.log(`installed ${path}: tier 1 runs before every push (skip once with git push --no-verify)`);
  return 0;
}

export function hookUninstallCommand(out: Out, opts: { repo: string }): number {
  const { result, path } = uninstallHook(resolve(opts.repo));
  if (result === "foreign") {
    out.err(`${path} was not written by tierci; left in place`);
    return 1;
  }
  out.log(result === "removed" ? `removed ${path}` : `no pre-push hook at ${path}`);
  return 0;
}

/** Runs the first tier, offline, as a push would; read at push time so tiers.yml edits count. */
export function hookRunCommand(out: Out, opts: { repo: string; json?: string }): Promise<number> {
  return runCommand(out, {
    repo: opts.repo,
    firstTier: true,
    event: "push",
    input: {},
    var: {},
    secret: [],
    env: {},
    actionDir: [],
    gate: true,
    enforceBudgets: false,
    reuseWorkspace: false,
    keepWorkspace: false,
    offline: true,
    debug: false,
    ...(opts.json !== undefined ? { json: opts.json } : {}),
  } satisfies RunOptions);
}
