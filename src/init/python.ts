// The Python pipeline: one builder per workflow, parameterized by the detected facts.
import type { ProjectFacts } from "./detect.js";
import { checkout, header, job, PR_AND_MAIN, pytestAllowingNone, render, run, setup, upload } from "./yaml-parts.js";

export const PYTHON_VERSIONS = ["3.10", "3.11", "3.12"];
/** The one matrix version that writes coverage and JUnit, so reports are not tripled. */
export const REPORT_PYTHON = "3.11";

export function installProject(facts: ProjectFacts, tools: string[]): string[] {
  const reqs = facts.dependencyFiles.filter((f) => f.endsWith(".txt"));
  return [
    ...reqs.map((f) => `python -m pip install -r ${f}`),
    ...(facts.installable ? ["python -m pip install -e ."] : []),
    ...(tools.length > 0 ? [`python -m pip install ${tools.join(" ")}`] : []),
  ];
}

function install(facts: ProjectFacts, tools: string[]): string[] {
  return run("Install dependencies", installProject(facts, tools));
}

/** What static tools look at: the package when found, else the whole tree. */
function sourceTarget(facts: ProjectFacts): string {
  return facts.sourceDir ?? ".";
}

function lint(facts: ProjectFacts): string {
  return render([
    ...header("Lint", "lint", PR_AND_MAIN, "Tier 1: formatting and static checks; mypy reports but does not block."),
    ...job("lint", "ruff, black, isort, mypy", 10),
    ...checkout(),
    ...setup(facts, `"${REPORT_PYTHON}"`),
    ...install(facts, ["ruff", "black", "isort", "mypy"]),
    ...run("ruff", "ruff check ."),
    ...run("black", "black --check --diff ."),
    ...run("isort", "isort --check-only --diff --profile black ."),
    ...run("mypy (non-blocking)", `mypy ${sourceTarget(facts)}`, ["        continue-on-error: true"]),
  ]);
}

function security(facts: ProjectFacts): string {
  const reqs = facts.dependencyFiles.filter((f) => f.endsWith(".txt"));
  const audit = reqs.length > 0 ? reqs.map((f) => `pip-audit -r ${f} --desc | tee -a reports/pip-audit.txt`) : ["pip-audit --desc | tee reports/pip-audit.txt"];
  return render([
    ...header("Security", "security", PR_AND_MAIN, "Tier 1: secrets in the whole history, vulnerable dependencies, insecure code."),
    ...job("secrets", "Secret scan (full history)", 10),
    ...checkout(true),
    "      - name: gitleaks",
    // Third-party, so the policy wants a commit SHA; tierci runs this action natively and a
    // SHA cannot be looked up offline. Pin it (`uses: gitleaks/gitleaks-action@<sha> # v2`) when you can.
    "        # A tag, not a SHA: init cannot look one up offline. Pin it to the v2 commit SHA when you can.",
    "        # tierci: ignore[unpinned-action]",
    "        uses: gitleaks/gitleaks-action@v2",
    "        env:",
    "          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
    "",
    ...job("dependencies", "Dependency audit (pip-audit)", 10),
    ...checkout(),
    ...setup(facts, `"${REPORT_PYTHON}"`),
    ...install(facts, ["pip-audit"]),
    ...run("pip-audit", ["mkdir -p reports", ...audit]),
    ...upload("pip-audit-report", ["reports/"], 30, "always()"),
    "",
    ...job("static", "Static security lint (bandit)", 10),
    ...checkout(),
    ...setup(facts, `"${REPORT_PYTHON}"`),
    ...run("Install bandit", "python -m pip install bandit"),
    ...run("bandit", ["mkdir -p reports", `bandit -r ${sourceTarget(facts)} -x ${[...facts.testDirs, ".venv"].map((d) => `./${d}`).join(",")} -ll | tee reports/bandit.txt`]),
    ...upload("bandit-report", ["reports/"], 30, "always()"),
  ]);
}

function unitTests(facts: ProjectFacts): string {
  const cov = facts.module !== undefined ? facts.module : ".";
  const selection = `-n auto -m "not integration and not slow"`;
  return render([
    ...header("Unit tests", "unit-tests", PR_AND_MAIN, `Tier 2: unit tests on Python ${PYTHON_VERSIONS.join("/")}; coverage and JUnit on ${REPORT_PYTHON} only.`),
    ...job("unit", "Unit tests (Python ${{ matrix.python-version }})", 15, [
      "    strategy:",
      "      fail-fast: false",
      "      matrix:",
      `        python-version: [${PYTHON_VERSIONS.map((v) => `"${v}"`).join(", ")}]`,
    ]),
    ...checkout(),
    ...setup(facts, "${{ matrix.python-version }}"),
    ...install(facts, ["pytest", "pytest-xdist", "pytest-cov"]),
    ...run("pytest", `python -m pytest ${selection}`, [`        if: matrix.python-version != '${REPORT_PYTHON}'`]),
    ...run(
      "pytest with coverage and JUnit",
      `python -m pytest ${selection} --cov=${cov} --cov-report=xml:reports/coverage.xml --cov-report=term --junitxml=reports/junit.xml`,
      [`        if: matrix.python-version == '${REPORT_PYTHON}'`],
    ),
    ...upload("unit-test-reports", ["reports/"], 14, `always() && matrix.python-version == '${REPORT_PYTHON}'`),
  ]);
}

function integration(facts: ProjectFacts): string {
  return render([
    ...header("Integration", "integration", PR_AND_MAIN, "Tier 2: tests marked `integration`; reports are kept 7 days when they fail."),
    ...job("integration", "Integration tests", 15),
    ...checkout(),
    ...setup(facts, `"${REPORT_PYTHON}"`),
    ...install(facts, ["pytest", "pytest-xdist"]),
    ...run("pytest -m integration", pytestAllowingNone("-m integration --junitxml=reports/integration-junit.xml")),
    ...upload("integration-reports", ["reports/"], 7, "failure()"),
  ]);
}

function smoke(facts: ProjectFacts): string {
  const importCheck = facts.module !== undefined ? [...run("Import the package", `python -c "import ${facts.module}"`)] : [];
  return render([
    ...header("Smoke", "smoke", PR_AND_MAIN, "Tier 2: the package imports and the tests marked `smoke` pass, offline."),
    ...job("smoke", "Smoke tests", 10),
    ...checkout(),
    ...setup(facts, `"${REPORT_PYTHON}"`),
    ...install(facts, ["pytest"]),
    ...importCheck,
    ...run("pytest -m smoke", pytestAllowingNone("-m smoke"), ["        env:", "          NO_NETWORK: \"1\""]),
  ]);
}

export function pythonWorkflows(facts: ProjectFacts): Record<string, string> {
  return {
    "lint.yml": lint(facts),
    "security.yml": security(facts),
    "unit-tests.yml": unitTests(facts),
    "integration.yml": integration(facts),
    "smoke.yml": smoke(facts),
  };
}
