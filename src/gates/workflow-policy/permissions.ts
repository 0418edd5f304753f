// missing-permissions and excessive-permissions. Whether a write scope is used is a
// heuristic: known actions and commands show which scopes they write; a step that could
// use the token for anything (github-script, `gh api`, an action or script tierci knows
// nothing about that gets the token) counts as using every scope, so that the rule only
// speaks when the evidence is complete.
import type { Node } from "yaml";
import type { JobNodes } from "../../workflow/checks/context.js";
import type { Permissions } from "../../workflow/model.js";
import { get, keyNodeOf } from "../../workflow/yaml-tree.js";
import { actionName, actionPath, type PolicyContext, type StepNodes } from "./context.js";

interface Evidence {
  /** `owner/repo` or `owner/repo/path`, lower-case. */
  actions: string[];
  run: RegExp[];
}

const WRITERS: Record<string, Evidence> = {
  contents: {
    actions: [
      "softprops/action-gh-release",
      "ncipollo/release-action",
      "actions/create-release",
      "actions/upload-release-asset",
      "svenstaro/upload-release-action",
      "stefanzweifel/git-auto-commit-action",
      "endbug/add-and-commit",
      "ad-m/github-push-action",
      "peaceiris/actions-gh-pages",
      "jamesives/github-pages-deploy-action",
      "googleapis/release-please-action",
      "google-github-actions/release-please-action",
      "changesets/action",
      "peter-evans/create-pull-request",
      "release-drafter/release-drafter",
      "goreleaser/goreleaser-action",
      "cycjimmy/semantic-release-action",
    ],
    run: [/\bgit\s+push\b/, /\bgh\s+release\s+(create|upload|edit|delete)\b/, /\bsemantic-release\b/],
  },
  "pull-requests": {
    actions: [
      "peter-evans/create-pull-request",
      "peter-evans/create-or-update-comment",
      "peter-evans/enable-pull-request-automerge",
      "marocchino/sticky-pull-request-comment",
      "thollander/actions-comment-pull-request",
      "mshick/add-pr-comment",
      "actions/labeler",
      "release-drafter/release-drafter",
      "googleapis/release-please-action",
      "google-github-actions/release-please-action",
      "changesets/action",
      "py-cov-action/python-coverage-comment-action",
      "mishakav/pytest-coverage-comment",
    ],
    run: [/\bgh\s+pr\s+(comment|create|edit|merge|review|close|reopen|ready|lock|unlock)\b/],
  },
  issues: {
    actions: [
      "actions/stale",
      "peter-evans/create-or-update-comment",
      "peter-evans/create-issue-from-file",
      "jasonetco/create-an-issue",
      "dessant/lock-threads",
      "actions-ecosystem/action-add-labels",
      "googleapis/release-please-action",
      "google-github-actions/release-please-action",
    ],
    run: [/\bgh\s+issue\s+(create|comment|edit|close|reopen|delete|transfer|lock|unlock|pin|unpin)\b/, /\bgh\s+label\s+(create|edit|delete|clone)\b/],
  },
  packages: {
    actions: ["docker/build-push-action", "docker/login-action"],
    run: [/\b(docker|podman)\s+push\b/, /\bdocker\s+buildx\s+build\b[^\n]*--push\b/, /\bnpm\s+publish\b/],
  },
  "id-token": {
    actions: [
      "aws-actions/configure-aws-credentials",
      "google-github-actions/auth",
      "azure/login",
      "pypa/gh-action-pypi-publish",
      "sigstore/gh-action-sigstore-python",
      "actions/attest-build-provenance",
      "actions/attest-sbom",
      "actions/attest",
      "actions/deploy-pages",
      "hashicorp/vault-action",
      "codecov/codecov-action",
    ],
    run: [/ACTIONS_ID_TOKEN_REQUEST_(URL|TOKEN)/, /\bnpm\s+publish\b[^\n]*--provenance\b/, /\bcosign\s+(sign|attest)\b/],
  },
  "security-events": { actions: ["github/codeql-action/upload-sarif", "github/codeql-action/analyze"], run: [/\bcodeql\s+github\s+upload-results\b/] },
  pages: { actions: ["actions/deploy-pages"], run: [] },
  attestations: { actions: ["actions/attest-build-provenance", "actions/attest-sbom", "actions/attest"], run: [] },
  actions: { actions: [], run: [/\bgh\s+(workflow\s+(run|enable|disable)|run\s+(cancel|rerun|delete)|cache\s+delete)\b/] },
  checks: { actions: ["dorny/test-reporter", "enricomi/publish-unit-test-result-action", "mikepenz/action-junit-report"], run: [] },
  deployments: { actions: ["chrnorm/deployment-action", "bobheadxi/deployments"], run: [/\bgh\s+api\b[^\n]*deployments/] },
};

/** Third-party actions known not to use the token for writes. */
const READ_ONLY = new Set([
  "docker/setup-buildx-action",
  "docker/setup-qemu-action",
  "docker/metadata-action",
  "astral-sh/setup-uv",
  "pnpm/action-setup",
  "snok/install-poetry",
  "dtolnay/rust-toolchain",
  "swatinem/rust-cache",
  "pre-commit/action",
  "oven-sh/setup-bun",
  "denoland/setup-deno",
  "ruby/setup-ruby",
  "gradle/actions",
  "github/codeql-action",
]);

const KNOWN_WRITERS = new Set(Object.values(WRITERS).flatMap((e) => e.actions));

/** A step that may use the token for anything: every scope counts as used. */
function opaque(ctx: PolicyContext, job: JobNodes, step: StepNodes): boolean {
  const uses = step.model.uses;
  if (uses !== undefined) {
    const path = actionPath(uses);
    const name = actionName(uses);
    if (path === undefined || name === undefined) return true;
    if (name === "actions/github-script") return true;
    if (KNOWN_WRITERS.has(path) || KNOWN_WRITERS.has(name) || READ_ONLY.has(name)) return false;
    return !name.startsWith("actions/") && !name.startsWith("tierci/");
  }
  const run = step.model.run ?? "";
  if (/\bgh\s+api\b|api\.github\.com|\boctokit\b/i.test(run)) return true;
  // A script handed the token that does not go through `gh` does something tierci cannot see.
  const envText = [...Object.entries(ctx.workflow.env), ...Object.entries(job.model.env), ...Object.entries(step.model.env)].flat().join("\n");
  return /\b(GITHUB_TOKEN|GH_TOKEN)\b|github\.token/.test(`${run}\n${envText}`) && !/\bgh\s+\w/.test(run);
}

function stepUses(scope: string, step: StepNodes): boolean {
  const evidence = WRITERS[scope];
  if (evidence === undefined) return false;
  const path = actionPath(step.model.uses);
  const name = actionName(step.model.uses);
  if (path !== undefined && (evidence.actions.includes(path) || (name !== undefined && evidence.actions.includes(name)))) return true;
  return evidence.run.some((re) => re.test(step.model.run ?? ""));
}

/** Whether any of these jobs uses a scope's write access (a reusable workflow call may use anything). */
function scopeUsed(ctx: PolicyContext, jobs: JobNodes[], scope: string): boolean {
  return jobs.some((job) => job.model.uses !== undefined || ctx.steps(job).some((s) => opaque(ctx, job, s) || stepUses(scope, s)));
}

function writeScopes(p: Permissions | undefined): string[] {
  if (p === undefined || typeof p === "string") return [];
  return Object.entries(p)
    .filter(([, level]) => level === "write")
    .map(([scope]) => scope);
}

function usedScopes(ctx: PolicyContext, jobs: JobNodes[]): string[] {
  return Object.keys(WRITERS).filter((scope) => jobs.some((job) => ctx.steps(job).some((s) => stepUses(scope, s))));
}

function checkBlock(ctx: PolicyContext, node: Node | undefined, permissions: Permissions | undefined, jobs: JobNodes[], owner: string): void {
  if (permissions === undefined || node === undefined) return;
  if (permissions === "write-all") {
    const used = usedScopes(ctx, jobs);
    ctx.report(
      "excessive-permissions",
      node,
      `${owner} grants write-all: the token may write to every scope of the repository`,
      used.length > 0
        ? `list only the scopes the steps use: permissions: { ${used.map((s) => `${s}: write`).join(", ")} }`
        : "use `permissions: { contents: read }` and add the write scopes a step needs",
    );
    return;
  }
  for (const scope of writeScopes(permissions)) {
    if (scopeUsed(ctx, jobs, scope)) continue;
    ctx.report(
      "excessive-permissions",
      keyNodeOf(ctx.src, node, scope) ?? node,
      `${owner} grants '${scope}: write', and no step appears to write ${scope}`,
      `use '${scope}: read' (or remove it); if a step does need it, suppress with # tierci: ignore[excessive-permissions]`,
    );
  }
}

export function checkPermissions(ctx: PolicyContext): void {
  const root = ctx.check.root;
  const workflowLevel = ctx.workflow.permissions;
  if (workflowLevel === undefined) {
    for (const job of ctx.check.jobs) {
      if (job.model.permissions !== undefined) continue;
      ctx.report(
        "missing-permissions",
        job.keyNode,
        `job '${job.model.id}' runs with the default GITHUB_TOKEN permissions: neither the workflow nor the job sets 'permissions:'`,
      );
    }
  }
  // Workflow-level permissions reach only the jobs that set none of their own.
  const inheriting = ctx.check.jobs.filter((j) => j.model.permissions === undefined);
  checkBlock(ctx, get(ctx.src, root, "permissions"), workflowLevel, inheriting, "the workflow");
  for (const job of ctx.check.jobs) checkBlock(ctx, get(ctx.src, job.node, "permissions"), job.model.permissions, [job], `job '${job.model.id}'`);
}
