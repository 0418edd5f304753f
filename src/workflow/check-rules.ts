// Every validation check by its rule id: whether GitHub refuses the file over it, or accepts the
// file and meets the problem only when a job runs. `lint` reports both as actionlint does; `plan`
// and `run` skip a refused workflow (refusing the run only when it was selected) and turn a
// run-time error into a warning. docs/rules.md is meant to be generated from this table.

/**
 * refused: GitHub rejects the workflow file, nothing of it runs.
 * runtime: GitHub accepts the file; the problem shows as a failing step or an empty value.
 * advice: only ever a warning (style, security, deprecations); never blocks anything.
 */
export type CheckPhase = "refused" | "runtime" | "advice";

export interface CheckRule {
  phase: CheckPhase;
  /** The severity lint reports at most; advice rules only warn. */
  severity: "error" | "warning";
  description: string;
}

export const CHECK_RULES: Readonly<Record<string, CheckRule>> = {
  load: { phase: "refused", severity: "error", description: "the workflow file cannot be read, or is a link leading out of the repository" },
  syntax: { phase: "refused", severity: "error", description: "YAML or GitHub's workflow schema rejects the file (GitHub's own parser)" },
  needs: { phase: "refused", severity: "error", description: "`needs:` names an unknown job or forms a cycle" },
  anchors: { phase: "refused", severity: "error", description: "YAML merge keys, which GitHub does not support; unused anchors only warn" },
  events: {
    phase: "refused",
    severity: "error",
    description: "`on:` triggers that cannot fire: schedule without cron, empty filter lists, unknown time zones",
  },
  glob: { phase: "refused", severity: "error", description: "branch, tag and path filter patterns that are invalid or never match" },
  limits: { phase: "refused", severity: "error", description: "max-parallel below 1, timeout-minutes of 0 or less" },
  inputs: {
    phase: "refused",
    severity: "error",
    description: "workflow_dispatch and workflow_call inputs and outputs: defaults of the wrong type, choices without options",
  },
  "reusable-workflow": { phase: "refused", severity: "error", description: "`uses:` of a workflow that leaves the repository or is written wrongly" },
  tiers: { phase: "refused", severity: "error", description: ".github/tiers.yml itself is invalid (refuses every workflow: the pipeline's order is unknown)" },
  expression: {
    phase: "runtime",
    severity: "error",
    description: "expression references and types: unknown steps, jobs, needs, inputs, matrix keys or outputs; objects in strings; broken fromJSON text",
  },
  "if-condition": { phase: "runtime", severity: "error", description: "`if:` conditions that are always true or never what was meant" },
  matrix: { phase: "runtime", severity: "error", description: "matrix keys without values, include/exclude that match nothing" },
  "runner-label": { phase: "runtime", severity: "error", description: "`runs-on` labels that no runner has, or that read a matrix value of the wrong shape" },
  container: { phase: "runtime", severity: "error", description: "container images and registry credentials" },
  "local-action": { phase: "runtime", severity: "error", description: "`uses: ./path` of an action outside the repository" },
  "outdated-action": { phase: "runtime", severity: "error", description: "action versions on a service GitHub has shut down; retired Node runtimes warn" },
  "workflow-command": {
    phase: "runtime",
    severity: "error",
    description: "workflow commands GitHub disabled (set-env, add-path) or deprecated (set-output, save-state)",
  },
  "script-injection": { phase: "advice", severity: "warning", description: "untrusted event text expanded straight into a run script" },
  "expression-mapping": {
    phase: "advice",
    severity: "warning",
    description: "a mapping given as one expression that tierci evaluates differently from GitHub",
  },
};

/** Rules not in the table are treated as refusing: a new check must be classified to relax it. */
export function checkPhase(rule: string): CheckPhase {
  return CHECK_RULES[rule]?.phase ?? "refused";
}
