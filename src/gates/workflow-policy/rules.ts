// The workflow policy rules of `tierci lint`: hardening and hygiene that GitHub does not
// enforce (a workflow breaking one still runs), each with a stable id for suppression.
import type { FindingSeverity, RuleInfo } from "../finding.js";

export type PolicyRuleId =
  | "missing-permissions"
  | "excessive-permissions"
  | "missing-timeout"
  | "missing-concurrency"
  | "unpinned-action"
  | "cache-key-lockfiles"
  | "template-injection"
  | "untrusted-checkout"
  | "secrets-untrusted-trigger"
  | "deprecated-command";

export interface PolicyRule extends RuleInfo {
  id: PolicyRuleId;
  /** The usual fix; a finding may give a more specific one. */
  hint: string;
}

function rule(id: PolicyRuleId, severity: FindingSeverity, description: string, hint: string): PolicyRule {
  return { id, severity, description, hint };
}

export const POLICY_RULES: readonly PolicyRule[] = [
  rule(
    "missing-permissions",
    "warning",
    "A job runs with the repository's default GITHUB_TOKEN permissions: neither the workflow nor the job sets `permissions:`",
    "add `permissions: { contents: read }` at the top of the workflow and grant more only to the jobs that need it",
  ),
  rule(
    "excessive-permissions",
    "warning",
    "The GITHUB_TOKEN is granted a write permission that no step appears to use",
    "grant only the scopes a step uses; if a step tierci cannot see through needs it, suppress with `# tierci: ignore[excessive-permissions]`",
  ),
  rule(
    "missing-timeout",
    "warning",
    "A job has no `timeout-minutes:`, so a hung step holds a runner for GitHub's default of 6 hours",
    "add `timeout-minutes:` to the job, a little above its usual duration",
  ),
  rule(
    "missing-concurrency",
    "warning",
    "A pull-request workflow has no concurrency group, so every push to a pull request starts another full run",
    "add `concurrency: { group: ${{ github.workflow }}-${{ github.event.pull_request.number || github.ref }}, cancel-in-progress: true }`",
  ),
  rule(
    "unpinned-action",
    "warning",
    "A third-party action is referenced by a tag or branch, which its owner (or whoever takes over the repository) can move",
    "pin it to a full 40-character commit SHA and keep the version in a comment: `uses: owner/repo@<sha> # v1.2.3`",
  ),
  rule(
    "cache-key-lockfiles",
    "warning",
    "A pip or npm cache is keyed without the dependency lock files, so it goes stale when dependencies change",
    "key the cache on hashFiles() of the lock files, e.g. `key: pip-${{ runner.os }}-${{ hashFiles('**/requirements*.txt') }}`",
  ),
  rule(
    "template-injection",
    "error",
    "Event text that whoever triggers the workflow controls is expanded by ${{ }} into a script, where it runs as code",
    'pass the value through an environment variable and quote it in the script: env: { TITLE: ${{ github.event.issue.title }} } then "$TITLE"',
  ),
  rule(
    "untrusted-checkout",
    "error",
    "A privileged workflow (pull_request_target, workflow_run, issue_comment) checks out the pull request's code, which can then run with write access and secrets",
    "use the `pull_request` event for building untrusted code, or check out the base and treat the pull request's files as data only",
  ),
  rule(
    "secrets-untrusted-trigger",
    "error",
    "A secret reaches code an outsider controls: a privileged workflow that runs the pull request's code, or a third-party action on such a trigger",
    "move the step that needs the secret into a workflow that does not run pull request code, e.g. a `workflow_run` job that only reads artifacts",
  ),
  rule(
    "deprecated-command",
    "warning",
    "A script uses a workflow command GitHub has replaced by environment files (set-output, save-state, set-env, add-path), or re-enables the insecure ones",
    "write to $GITHUB_OUTPUT, $GITHUB_STATE, $GITHUB_ENV or $GITHUB_PATH instead",
  ),
];

const BY_ID = new Map(POLICY_RULES.map((r) => [r.id, r]));

export function policyRule(id: PolicyRuleId): PolicyRule {
  return BY_ID.get(id) as PolicyRule;
}
