// actions/checkout, offline: the job's workspace already holds the snapshot of the
// repository; this adds the git metadata (history to the requested depth) so that
// git commands in later steps behave as after a real checkout.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rename, rm } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { copySnapshot } from "../git/snapshot.js";
import { isInside } from "../util/path-inside.js";
import { BuiltinFailure, type BuiltinAction, type BuiltinRun } from "./builtin-types.js";

/**
 * Where a job's `git push origin` goes: nowhere, with git's own error naming why. A job runs as
 * the user and could still push elsewhere on purpose; what this stops is the default remote
 * writing to the branches and tags of the repository under test.
 */
export const READ_ONLY_PUSH_URL = "/dev/null/tierci: a job may not push to the repository it tests";

function git(cwd: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync("git", args, { cwd, encoding: "utf8", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" } });
  return { ok: r.status === 0, out: (r.stdout ?? "").trim(), err: (r.stderr ?? r.error?.message ?? "").trim() };
}

function must(cwd: string, args: string[]): string {
  const r = git(cwd, args);
  if (!r.ok) throw new BuiltinFailure(`git ${args.join(" ")} failed: ${r.err}`);
  return r.out;
}

function targetDir(run: BuiltinRun): string {
  const path = run.inputs["path"] ?? "";
  const dir = resolve(run.workspace, path);
  if (!isInside(run.workspace, dir)) throw new BuiltinFailure(`path '${path}' is outside the workspace ${run.workspace}`);
  return dir;
}

/** Clones the source repository's history next to `dir` and moves its .git into it. */
async function attachHistory(run: BuiltinRun, dir: string, topLevel: string, depth: number, ref: string | undefined): Promise<void> {
  const staging = await mkdtemp(join(run.workspace, "..", ".checkout-"));
  try {
    const args = ["clone", "-q", "--no-checkout"];
    if (depth > 0) args.push("--depth", String(depth));
    const branchLike = ref && !/^[0-9a-f]{40}$/.test(ref) ? ref.replace(/^refs\/(heads|tags)\//, "") : undefined;
    if (branchLike) args.push("--branch", branchLike);
    // git decodes %XX in file URLs, so a path holding `%`, `#` or spaces must be encoded.
    args.push(pathToFileURL(topLevel).href, staging);
    must(run.workspace, args);
    if (existsSync(join(dir, ".git"))) await rm(join(dir, ".git"), { recursive: true, force: true });
    await rename(join(staging, ".git"), join(dir, ".git"));
    // origin is the user's own repository: fetching from it is fine, pushing to it is not.
    must(dir, ["config", "remote.origin.pushurl", READ_ONLY_PUSH_URL]);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function checkout(run: BuiltinRun): Promise<void> {
  const repository = run.inputs["repository"] || run.repository;
  if (repository.toLowerCase() !== run.repository.toLowerCase()) {
    throw new BuiltinFailure(
      `checking out another repository (${repository}) needs network access to GitHub, which tierci does not use; vendor it or use a local action directory`,
    );
  }
  if (run.inPlace) {
    run.log(`Using the repository in place at ${run.repoRoot} (--reuse-workspace); nothing to check out`);
    setOutputs(run, run.repoRoot);
    return;
  }
  const dir = targetDir(run);
  if (dir !== run.workspace) {
    const n = await copySnapshot(run.repoRoot, dir);
    run.log(`Copied ${n} files of the working tree to ${relative(run.workspace, dir)}`);
  }
  const top = git(run.repoRoot, ["rev-parse", "--show-toplevel"]);
  if (!top.ok) {
    run.log(`${run.repoRoot} is not a git repository: the workspace holds its files without git history`);
    return;
  }
  const depth = Number(run.inputs["fetch-depth"] ?? "1");
  if (!Number.isInteger(depth) || depth < 0) throw new BuiltinFailure(`fetch-depth must be a whole number >= 0, got '${run.inputs["fetch-depth"]}'`);
  const ref = run.inputs["ref"] || undefined;
  const subdir = relative(top.out, run.repoRoot);
  if (subdir !== "") {
    // The project is a subdirectory of a larger repository: its own history cannot be
    // separated, so the workspace gets a one-commit repository of the snapshot.
    must(dir, ["init", "-q"]);
    must(dir, ["add", "-A"]);
    must(dir, [
      "-c",
      "user.name=tierci",
      "-c",
      "user.email=tierci@localhost",
      "commit",
      "-q",
      "--no-verify",
      "-m",
      `snapshot of ${subdir} at ${run.sha.slice(0, 12)}`,
    ]);
    run.log(`${run.repoRoot} is the subdirectory ${subdir} of ${top.out}: the workspace got a one-commit repository of its files`);
  } else {
    await attachHistory(run, dir, top.out, depth, ref);
    if (ref) {
      // An explicit ref means those exact contents, not the working tree.
      must(dir, ["checkout", "-q", "--force", ref]);
      must(dir, ["clean", "-q", "-ffdx"]);
      run.log(`Checked out ${ref} at ${must(dir, ["rev-parse", "HEAD"])}`);
    } else {
      must(dir, ["reset", "-q"]);
      run.log(
        `Checked out ${run.ref} at ${run.sha} with the working tree's uncommitted changes${depth === 0 ? " (full history)" : ` (history depth ${depth})`}`,
      );
    }
  }
  const sparse = (run.inputs["sparse-checkout"] ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  if (sparse.length > 0) {
    const cone = (run.inputs["sparse-checkout-cone-mode"] ?? "true") !== "false";
    must(dir, ["sparse-checkout", "set", cone ? "--cone" : "--no-cone", ...sparse]);
    run.log(`Sparse checkout: ${sparse.join(", ")}`);
  }
  setOutputs(run, dir);
}

function setOutputs(run: BuiltinRun, dir: string): void {
  const head = git(dir, ["rev-parse", "HEAD"]);
  run.setOutput("commit", head.ok ? head.out : run.sha);
  run.setOutput("ref", run.inputs["ref"] || run.ref);
}

export const checkoutAction: BuiltinAction = {
  name: "actions/checkout",
  inputs: {
    repository: { default: "" },
    ref: { default: "" },
    path: { default: "" },
    "fetch-depth": { default: "1" },
    clean: { default: "true" },
    "sparse-checkout": { default: "" },
    "sparse-checkout-cone-mode": { default: "true" },
    "persist-credentials": { default: "true" },
    token: { default: "" },
    submodules: { default: "false" },
    lfs: { default: "false" },
  },
  main: checkout,
};
