// Decides what a step's `uses:` runs: a built-in, a local or remote action directory,
// or nothing (with a message that says how to provide it).
import { localUsesEscapeMessage, localUsesEscapes } from "../workflow/local-uses.js";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join, normalize } from "node:path";
import type { ActionDefinition } from "./action-file.js";

export interface ActionSource {
  dir: string;
  definition: ActionDefinition;
  /** `owner/repo@ref` or the local path, for messages and the github.action_* context. */
  reference: string;
  repository?: string;
  ref?: string;
}

export type Resolution =
  | { kind: "builtin"; name: string; version: string }
  | { kind: "action"; source: ActionSource }
  | { kind: "container"; reason: string }
  | { kind: "missing"; message: string };

export interface ResolveOptions {
  workspace: string;
  /** Directories holding remote actions as `<owner>/<repo>@<ref>/`, searched in order. */
  actionDirs: string[];
  /** Never clone; a remote action not on disk fails its step. */
  offline: boolean;
  /** Whether tierci implements the action itself (the runner's registry knows). */
  isBuiltin(name: string): boolean;
}

export function defaultActionCache(): string {
  const base = process.env["XDG_CACHE_HOME"] ?? join(homedir(), ".cache");
  return join(base, "tierci", "actions");
}

interface RemoteRef {
  owner: string;
  repo: string;
  path: string;
  ref: string;
}

export function parseRemoteUses(uses: string): RemoteRef | undefined {
  const m = /^([^/@\s]+)\/([^/@\s]+)((?:\/[^@\s]+)?)@([^\s]+)$/.exec(uses);
  if (!m) return undefined;
  return { owner: m[1] ?? "", repo: m[2] ?? "", path: (m[3] ?? "").replace(/^\//, ""), ref: m[4] ?? "" };
}

async function fromDirectory(dir: string, reference: string, extra: Partial<ActionSource> = {}): Promise<Resolution> {
  // Imported here, with the YAML parser behind it, so that jobs without such actions never load them.
  const { ActionFileError, findActionFile, readActionFile } = await import("./action-file.js");
  const file = findActionFile(dir);
  if (!file) return { kind: "missing", message: `no action.yml or action.yaml in ${dir} (uses: ${reference})` };
  try {
    const definition = await readActionFile(file);
    if (definition.runs.using === "docker") {
      return { kind: "container", reason: `action '${reference}' runs in a Docker container (runs.using: docker)` };
    }
    return { kind: "action", source: { dir, definition, reference, ...extra } };
  } catch (err) {
    if (err instanceof ActionFileError) return { kind: "missing", message: err.message };
    throw err;
  }
}

function cloneAction(remote: RemoteRef, target: string): string | undefined {
  const url = `https://github.com/${remote.owner}/${remote.repo}`;
  const staging = `${target}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const git = (...args: string[]) =>
    spawnSync("git", args, { cwd: staging, encoding: "utf8", env: { ...process.env, GIT_TERMINAL_PROMPT: "0" }, timeout: 120_000 });
  const steps = [
    ["init", "-q"],
    ["fetch", "-q", "--depth", "1", url, remote.ref],
    ["checkout", "-q", "FETCH_HEAD"],
  ];
  for (const args of steps) {
    const r = git(...args);
    if (r.status !== 0) {
      rmSync(staging, { recursive: true, force: true });
      return (r.stderr || r.error?.message || "git failed").trim();
    }
  }
  rmSync(join(staging, ".git"), { recursive: true, force: true });
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  return undefined;
}

export async function resolveAction(uses: string, opts: ResolveOptions): Promise<Resolution> {
  const trimmed = uses.trim();
  if (trimmed.startsWith("docker://")) {
    return { kind: "container", reason: `step uses the container image ${trimmed.slice("docker://".length)}` };
  }
  if (trimmed.startsWith("./") || trimmed === "." || trimmed.startsWith("../")) {
    if (localUsesEscapes(trimmed)) return { kind: "missing", message: localUsesEscapeMessage(trimmed) };
    const dir = normalize(join(opts.workspace, trimmed));
    if (!existsSync(dir)) {
      return { kind: "missing", message: `local action '${trimmed}' not found: ${dir} does not exist (did the job check out the repository first?)` };
    }
    return fromDirectory(dir, trimmed);
  }
  const remote = parseRemoteUses(trimmed);
  if (!remote) {
    return { kind: "missing", message: `'${trimmed}' is not a valid action reference; use ./path, owner/repo@ref, owner/repo/path@ref or docker://image` };
  }
  const name = `${remote.owner}/${remote.repo}${remote.path ? `/${remote.path}` : ""}`;
  if (opts.isBuiltin(name)) return { kind: "builtin", name, version: remote.ref };
  const folder = `${remote.owner}/${remote.repo}@${remote.ref}`;
  const extra = { repository: `${remote.owner}/${remote.repo}`, ref: remote.ref };
  for (const base of opts.actionDirs) {
    const root = join(base, folder);
    if (existsSync(root)) return fromDirectory(join(root, remote.path), trimmed, extra);
  }
  const how = `put a copy of ${remote.owner}/${remote.repo} at ref ${remote.ref} in ${join(opts.actionDirs[0] ?? defaultActionCache(), folder)} (or pass --action-dir DIR)`;
  if (opts.offline) return { kind: "missing", message: `action '${trimmed}' is not available offline: ${how}` };
  const target = join(opts.actionDirs[0] ?? defaultActionCache(), folder);
  const failure = cloneAction(remote, target);
  if (failure !== undefined) return { kind: "missing", message: `could not fetch action '${trimmed}': ${failure}; ${how}` };
  return fromDirectory(join(target, remote.path), trimmed, extra);
}
