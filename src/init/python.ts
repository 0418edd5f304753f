// The Python pipeline: one builder per workflow, parameterized by the detected facts.
import type { ProjectFacts } from "./detect.js";
import { pythonMatrix, type PythonMatrix } from "./python-matrix.js";
import { secretScanJob } from "./shared-jobs.js";
import { checkout, header, job, PR_AND_MAIN, pytestAllowingNone, render, run, setup, thirdPartyStep, upload } from "./yaml-parts.js";

export const PIP_AUDIT = "pypa/gh-action-pip-audit@v1.1.0";

/** The unit-test matrix detection derived from requires-python; unconstrained when facts carry none. */
export function matrixOf(facts: ProjectFacts): PythonMatrix {
  return facts.pythonMatrix ?? pythonMatrix(undefined);
}

/** The one version every single-version job uses, and the matrix leg that writes coverage and JUnit. */
export function reportPython(facts: ProjectFacts): string {
  return matrixOf(facts).report;
}

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
    ...setup(facts, `"${reportPython(facts)}"`),
    ...install(facts, ["ruff", "black", "isort", "mypy"]),
    ...run("ruff", "ruff check ."),
    ...run("black", "black --check --diff ."),
    ...run("isort", "isort --check-only --diff --profile black ."),
    ...run("mypy (non-blocking)", `mypy ${sourceTarget(facts)}`, ["        continue-on-error: true"]),
  ]);
}

/** What pip-audit reads: the requirement files, else the project itself. */
function auditInputs(facts: ProjectFacts): string {
  const reqs = facts.dependencyFiles.filter((f) => f.endsWith(".txt"));
  return reqs.length > 0 ? reqs.join(" ") : ".";
}

function staticSecurityLint(facts: ProjectFacts): string[] {
  // ruff's S rules are bandit's checks; tests assert and use fixtures freely, so they stay out.
  const target = facts.sourceDir ?? `. --extend-exclude ${[...facts.testDirs, ".venv"].join(",")}`;
  return run("ruff security rules (bandit's checks)", [
    "mkdir -p reports",
    `ruff check --select S --exit-zero --output-format sarif --output-file reports/security-lint.sarif ${target}`,
    `ruff check --select S ${target}`,
  ]);
}

function security(facts: ProjectFacts): string {
  return render([
    ...header("Security", "security", PR_AND_MAIN, "Tier 1: secrets in the whole history, vulnerable dependencies, insecure code."),
    ...secretScanJob(),
    "",
    ...job("dependencies", "Dependency vulnerabilities (pip-audit)", 10),
    ...checkout(),
    ...setup(facts, `"${reportPython(facts)}"`),
    ...thirdPartyStep("pip-audit", PIP_AUDIT, [`inputs: ${auditInputs(facts)}`]),
    "",
    ...job("static", "Static security lint", 10),
    ...checkout(),
    ...setup(facts, `"${reportPython(facts)}"`),
    ...run("Install ruff", "python -m pip install ruff"),
    ...staticSecurityLint(facts),
    ...upload("security-lint-report", ["reports/"], 30, "always()"),
  ]);
}

function unitTests(facts: ProjectFacts): string {
  const { versions, report } = matrixOf(facts);
  const cov = facts.module !== undefined ? facts.module : ".";
  const selection = `-n auto -m "not integration and not slow"`;
  const onReport = `matrix.python-version == '${report}'`;
  return render([
    ...header("Unit tests", "unit-tests", PR_AND_MAIN, `Tier 2: unit tests on Python ${versions.join("/")}; coverage and JUnit on ${report} only.`),
    ...job("unit", "Unit tests (Python ${{ matrix.python-version }})", 15, [
      "    strategy:",
      "      fail-fast: false",
      "      matrix:",
      `        python-version: [${versions.map((v) => `"${v}"`).join(", ")}]`,
    ]),
    ...checkout(),
    ...setup(facts, "${{ matrix.python-version }}"),
    ...install(facts, ["pytest", "pytest-xdist"]),
    ...run("pytest", `python -m pytest ${selection}`, [`        if: matrix.python-version != '${report}'`]),
    // Only the reporting leg needs coverage, whose compiled wheels may lag behind new Pythons.
    ...run("Install pytest-cov", "python -m pip install pytest-cov", [`        if: ${onReport}`]),
    ...run(
      "pytest with coverage and JUnit",
      `python -m pytest ${selection} --cov=${cov} --cov-report=xml:reports/coverage.xml --cov-report=term --junitxml=reports/junit.xml`,
      [`        if: ${onReport}`],
    ),
    ...upload("unit-test-reports", ["reports/"], 14, `always() && ${onReport}`),
  ]);
}

function integration(facts: ProjectFacts): string {
  return render([
    ...header("Integration", "integration", PR_AND_MAIN, "Tier 2: tests marked `integration`; reports are kept 7 days when they fail."),
    ...job("integration", "Integration tests", 15),
    ...checkout(),
    ...setup(facts, `"${reportPython(facts)}"`),
    ...install(facts, ["pytest", "pytest-xdist"]),
    ...run("pytest -m integration", pytestAllowingNone("-m integration --junitxml=reports/integration-junit.xml")),
    ...upload("integration-reports", ["reports/"], 7, "failure()"),
  ]);
}

function smoke(facts: ProjectFacts): string {
  const importCheck = facts.module !== undefined ? run("Import the package", `python -c "import ${facts.module}"`) : [];
  // A console script that cannot print its help is wired to a missing or broken entry point.
  const cliCheck = Object.keys(facts.scripts).flatMap((name) => run(`${name} --help`, `${name} --help`));
  return render([
    ...header("Smoke", "smoke", PR_AND_MAIN, "Tier 2: the package imports, its commands start and the tests marked `smoke` pass, offline."),
    ...job("smoke", "Smoke tests", 10),
    ...checkout(),
    ...setup(facts, `"${reportPython(facts)}"`),
    ...install(facts, ["pytest"]),
    ...importCheck,
    ...cliCheck,
    ...run("pytest -m smoke", pytestAllowingNone("-m smoke"), ["        env:", '          NO_NETWORK: "1"']),
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
