// Tier 3 of the Python pipeline: audit, the PR policy critic, test health and the nightly suites.
// Every check is a plain run step so the same files run on GitHub, where tierci's own gates do not exist.
import type { ProjectFacts } from "./detect.js";
import { installProject, matrixOf, PIP_AUDIT, reportPython } from "./python.js";
import { policyWorkflow, repositoryAuditJob, testHealthHead } from "./shared-jobs.js";
import { checkout, header, job, PR_AND_MAIN, pytestAllowingNone, render, run, setup, thirdPartyStep, upload } from "./yaml-parts.js";

function audit(facts: ProjectFacts): string {
  return render([
    ...header("Audit", "audit", PR_AND_MAIN, "Tier 3: repository hygiene, and every package the project installs audited, transitive ones included."),
    ...repositoryAuditJob(),
    "",
    ...job("installed", "Installed packages audit", 10),
    ...checkout(),
    ...setup(facts, `"${reportPython(facts)}"`),
    // Interpreters ship old pip and setuptools releases with known advisories; the project runs with current ones.
    ...run("Install the project", ["python -m pip install --upgrade pip setuptools", ...installProject(facts, [])]),
    // Without `inputs` pip-audit reads the environment: what the requirement files resolved to.
    ...thirdPartyStep("pip-audit (installed packages)", PIP_AUDIT, ["local: true"]),
  ]);
}

function testHealth(facts: ProjectFacts): string {
  return render([
    ...testHealthHead(),
    ...checkout(),
    ...setup(facts, `"${reportPython(facts)}"`),
    ...run("Install dependencies", installProject(facts, ["pytest", "pytest-xdist"])),
    ...run("pytest (all but slow)", 'python -m pytest -n auto -m "not slow" --junitxml=reports/junit-health.xml'),
    ...upload("junit-history-${{ github.run_id }}", ["reports/junit-health.xml"], 90, "always()"),
  ]);
}

function nightly(facts: ProjectFacts): string {
  return render([
    ...header(
      "Nightly",
      "nightly",
      [
        "  schedule:",
        '    - cron: "0 2 * * *"',
        "  workflow_dispatch:",
        "    inputs:",
        "      python-version:",
        "        description: Python version",
        "        type: choice",
        `        options: [${matrixOf(facts)
          .versions.map((v) => `"${v}"`)
          .join(", ")}]`,
        `        default: "${reportPython(facts)}"`,
        "      markers:",
        "        description: pytest -m expression",
        "        type: string",
        "        default: slow",
      ],
      "Tier 3: the offline slow suites, nightly at 02:00 UTC or on demand.",
    ),
    ...job("slow", "Slow suites", 20),
    ...checkout(),
    ...setup(facts, `\${{ inputs.python-version || '${reportPython(facts)}' }}`),
    ...run("Install dependencies", installProject(facts, ["pytest", "pytest-xdist"])),
    ...run("pytest -m slow", pytestAllowingNone('-n auto -m "$MARKERS" --junitxml=reports/nightly-junit.xml'), [
      "        env:",
      "          MARKERS: ${{ inputs.markers || 'slow' }}",
    ]),
    ...upload("nightly-reports", ["reports/"], 14, "always()"),
  ]);
}

export function deepWorkflows(facts: ProjectFacts): Record<string, string> {
  return { "audit.yml": audit(facts), "policy.yml": policyWorkflow(), "test-health.yml": testHealth(facts), "nightly.yml": nightly(facts) };
}
