// Tier 3 of the Node pipeline: audit, the PR policy critic, test health and the nightly suite.
// Every check is a plain run step so the same files run on GitHub, where tierci's own gates do not exist.
import type { ProjectFacts } from "./detect.js";
import { matrixOf, npmAuditJob, prepare, quoted, scriptOrNone, testReports, testWithReports } from "./node-steps.js";
import { policyWorkflow, repositoryAuditJob, testHealthHead } from "./shared-jobs.js";
import { header, job, PR_AND_MAIN, render, upload } from "./yaml-parts.js";

/** The scripts a nightly run prefers, slowest suite first; `test` when the project has none of the others. */
const NIGHTLY_SCRIPTS = ["test:nightly", "test:slow", "test:integration", "test"];

function audit(facts: ProjectFacts): string {
  return render([
    ...header("Audit", "audit", PR_AND_MAIN, "Tier 3: repository hygiene and a strict dependency audit (any severity fails)."),
    ...repositoryAuditJob(),
    "",
    ...npmAuditJob(facts, "Strict dependency audit", "low", "npm-audit-strict"),
  ]);
}

function testHealth(facts: ProjectFacts): string {
  const tests = facts.scripts["test"] === undefined ? scriptOrNone(facts, "test") : testWithReports(facts, testReports(facts));
  return render([...testHealthHead(), ...prepare(facts), ...tests, ...upload("junit-history-${{ github.run_id }}", ["reports/junit.xml"], 90, "always()")]);
}

function nightlyInputs(facts: ProjectFacts, script: string): string[] {
  const { versions, report } = matrixOf(facts);
  return [
    "  schedule:",
    '    - cron: "0 2 * * *"',
    "  workflow_dispatch:",
    "    inputs:",
    "      node-version:",
    "        description: Node.js version",
    "        type: choice",
    `        options: [${versions.map(quoted).join(", ")}]`,
    `        default: ${quoted(report)}`,
    "      script:",
    "        description: package.json script to run",
    "        type: string",
    `        default: ${script}`,
  ];
}

function nightly(facts: ProjectFacts): string {
  const script = NIGHTLY_SCRIPTS.find((s) => facts.scripts[s] !== undefined);
  const { report } = matrixOf(facts);
  const steps =
    script === undefined
      ? scriptOrNone(facts, "test:nightly")
      : [
          ...prepare(facts, `\${{ inputs.node-version || '${report}' }}`),
          "      - name: npm run the nightly script",
          "        env:",
          `          SCRIPT: \${{ inputs.script || '${script}' }}`,
          '        run: npm run "$SCRIPT"',
          ...upload("nightly-reports", ["reports/"], 14, "always()"),
        ];
  return render([
    ...header(
      "Nightly",
      "nightly",
      nightlyInputs(facts, script ?? "test:nightly"),
      "Tier 3: the slowest suite the project has, nightly at 02:00 UTC or on demand.",
    ),
    ...job("slow", "Nightly suite", 20),
    ...steps,
  ]);
}

export function nodeDeepWorkflows(facts: ProjectFacts): Record<string, string> {
  return { "audit.yml": audit(facts), "policy.yml": policyWorkflow(), "test-health.yml": testHealth(facts), "nightly.yml": nightly(facts) };
}
