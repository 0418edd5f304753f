// What one job needs to know about its run, and the contexts and variables GitHub
// gives every job, built from it.
import { githubContext } from "../plan/contexts.js";
import type { ExprValue } from "../expr/value.js";
import type { JobDirs } from "./workspace.js";

export interface RunEvent {
  name: string;
  payload: Record<string, unknown>;
  sha: string;
  ref: string;
  actor: string;
  repository: string;
}

export interface RunIdentity {
  id: string;
  number: number;
  attempt: number;
}

export interface JobIdentity {
  workflowName: string;
  workflowPath: string;
  jobId: string;
}

export function jobGithubContext(ev: RunEvent, run: RunIdentity, job: JobIdentity, dirs: JobDirs, eventPath: string): Record<string, ExprValue> {
  return {
    ...githubContext({
      eventName: ev.name,
      payload: ev.payload,
      ref: ev.ref,
      sha: ev.sha,
      actor: ev.actor,
      workflow: job.workflowName,
      workflowRef: `${ev.repository}/${job.workflowPath}@${ev.ref}`,
      repository: ev.repository,
      job: job.jobId,
      runId: run.id,
      runNumber: run.number,
      runAttempt: run.attempt,
      workspace: dirs.workspace,
    }),
    event_path: eventPath,
    env: "",
    path: "",
  };
}

export function runnerContext(dirs: JobDirs, debug: boolean, name = "tierci"): Record<string, ExprValue> {
  return {
    name,
    os: process.platform === "darwin" ? "macOS" : process.platform === "win32" ? "Windows" : "Linux",
    arch: process.arch === "arm64" ? "ARM64" : process.arch === "arm" ? "ARM" : process.arch === "ia32" ? "X86" : "X64",
    temp: dirs.temp,
    tool_cache: dirs.toolCache,
    workspace: dirs.workspace.slice(0, dirs.workspace.lastIndexOf("/")),
    environment: "self-hosted",
    debug: debug ? "1" : "",
  };
}

/**
 * Variables of tierci's own invocation that a job must not inherit: its shell session
 * (bash sets SHELL itself when it starts, sh steps see none), and npm's lifecycle
 * variables when tierci runs under `npm test` or `npx`, which would point a job's npm at
 * the caller's cache and configuration; NODE_TEST_CONTEXT, set when tierci itself runs under
 * `node --test`, would make a job's own `node --test` report to that parent and drop its reporters.
 */
function isSessionVariable(name: string): boolean {
  return ["NODE_OPTIONS", "NODE_TEST_CONTEXT", "SHELL", "OLDPWD", "PWD", "INIT_CWD"].includes(name) || /^npm_/i.test(name);
}

/** The host environment a job starts from, as a self-hosted runner's service would pass it. */
export function inheritedEnvironment(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !isSessionVariable(e[0])));
}

const s = (v: ExprValue | undefined): string => (v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

/** The GITHUB_* and RUNNER_* variables of a job, from its github and runner contexts. */
export function defaultVariables(github: Record<string, ExprValue>, runner: Record<string, ExprValue>, dirs: JobDirs): Record<string, string> {
  return {
    CI: "true",
    GITHUB_ACTIONS: "true",
    HOME: dirs.home,
    GITHUB_WORKSPACE: dirs.workspace,
    GITHUB_EVENT_PATH: s(github["event_path"]),
    GITHUB_EVENT_NAME: s(github["event_name"]),
    GITHUB_SHA: s(github["sha"]),
    GITHUB_REF: s(github["ref"]),
    GITHUB_REF_NAME: s(github["ref_name"]),
    GITHUB_REF_TYPE: s(github["ref_type"]),
    GITHUB_REF_PROTECTED: "false",
    GITHUB_HEAD_REF: s(github["head_ref"]),
    GITHUB_BASE_REF: s(github["base_ref"]),
    GITHUB_REPOSITORY: s(github["repository"]),
    GITHUB_REPOSITORY_OWNER: s(github["repository_owner"]),
    GITHUB_ACTOR: s(github["actor"]),
    GITHUB_TRIGGERING_ACTOR: s(github["triggering_actor"]),
    GITHUB_WORKFLOW: s(github["workflow"]),
    GITHUB_WORKFLOW_REF: s(github["workflow_ref"]),
    GITHUB_RUN_ID: s(github["run_id"]),
    GITHUB_RUN_NUMBER: s(github["run_number"]),
    GITHUB_RUN_ATTEMPT: s(github["run_attempt"]),
    GITHUB_JOB: s(github["job"]),
    GITHUB_SERVER_URL: s(github["server_url"]),
    GITHUB_API_URL: s(github["api_url"]),
    GITHUB_GRAPHQL_URL: s(github["graphql_url"]),
    GITHUB_RETENTION_DAYS: s(github["retention_days"]),
    RUNNER_OS: s(runner["os"]),
    RUNNER_ARCH: s(runner["arch"]),
    RUNNER_NAME: s(runner["name"]),
    RUNNER_ENVIRONMENT: "self-hosted",
    RUNNER_TEMP: dirs.temp,
    RUNNER_TOOL_CACHE: dirs.toolCache,
    RUNNER_WORKSPACE: s(runner["workspace"]),
    ...(runner["debug"] ? { RUNNER_DEBUG: "1" } : {}),
  };
}
