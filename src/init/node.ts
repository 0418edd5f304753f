// Tiers 1 and 2 of the Node pipeline: one builder per workflow, parameterized by the detected facts.
// Checks come from the project's own scripts and devDependencies, so nothing new is installed.
import type { ProjectFacts } from "./detect.js";
import { hasDev, matrixOf, npmAuditJob, prepare, quoted, scriptOrNone, testReports, testWithReports } from "./node-steps.js";
import { secretScanJob } from "./shared-jobs.js";
import { header, job, PR_AND_MAIN, render, run, upload } from "./yaml-parts.js";

/** The project's lint script, else eslint and prettier when installed; a lint script is trusted to cover prettier. */
function lintChecks(facts: ProjectFacts): string[] {
  const script = facts.scripts["lint"];
  const eslint = script !== undefined ? run("npm run lint", "npm run lint") : hasDev(facts, "eslint") ? run("eslint", "npx eslint .") : [];
  const prettier = hasDev(facts, "prettier") && !/prettier/.test(script ?? "") ? run("prettier", "npx prettier --check .") : [];
  return [...eslint, ...prettier];
}

/** Type errors are reported, not blocking, as mypy is for Python. */
function typecheck(facts: ProjectFacts): string[] {
  const nonBlocking = ["        continue-on-error: true"];
  if (facts.scripts["typecheck"] !== undefined) return run("npm run typecheck (non-blocking)", "npm run typecheck", nonBlocking);
  return hasDev(facts, "typescript") ? run("tsc --noEmit (non-blocking)", "npx tsc --noEmit", nonBlocking) : [];
}

function lint(facts: ProjectFacts): string {
  const checks = [...lintChecks(facts), ...typecheck(facts)];
  const none = [
    '      # Add a "lint" script, or eslint/prettier/typescript to devDependencies, and re-run `tierci init --force`.',
    ...run("No linter", 'echo "no lint script, eslint, prettier or typescript in package.json; nothing to check"'),
  ];
  return render([
    ...header("Lint", "lint", PR_AND_MAIN, "Tier 1: the project's linters and formatter; the type check reports but does not block."),
    ...job("lint", "Lint and type check", 10),
    ...prepare(facts),
    ...(checks.length > 0 ? checks : none),
  ]);
}

/** Only when the project has one: init cannot add a security plugin to an eslint config it does not own. */
function staticSecurityJob(facts: ProjectFacts): string[] {
  if (facts.scripts["lint:security"] === undefined) return [];
  return ["", ...job("static", "Static security lint", 10), ...prepare(facts), ...run("npm run lint:security", "npm run lint:security")];
}

function security(facts: ProjectFacts): string {
  return render([
    ...header("Security", "security", PR_AND_MAIN, "Tier 1: secrets in the whole history and vulnerable dependencies."),
    ...secretScanJob(),
    "",
    ...npmAuditJob(facts, "Dependency audit (npm audit)", "high", "npm-audit"),
    ...staticSecurityJob(facts),
  ]);
}

/** The matrix runs plain `npm test`; the report version alone writes JUnit and coverage. */
function unitTestSteps(facts: ProjectFacts, report: string): string[] {
  if (facts.scripts["test"] === undefined) return scriptOrNone(facts, "test");
  const reports = testReports(facts);
  if (reports === undefined) return testWithReports(facts, undefined);
  return [
    ...testWithReports(facts, undefined, [`        if: matrix.node-version != '${report}'`]),
    ...testWithReports(facts, reports, [`        if: matrix.node-version == '${report}'`]),
    ...upload("unit-test-reports", ["reports/"], 14, `always() && matrix.node-version == '${report}'`),
  ];
}

function unitTests(facts: ProjectFacts): string {
  const { versions, report } = matrixOf(facts);
  return render([
    ...header(
      "Unit tests",
      "unit-tests",
      PR_AND_MAIN,
      `Tier 2: npm test on Node ${versions.join("/")}; reports on ${report} only, when the test runner can write them.`,
    ),
    ...job("unit", "Unit tests (Node ${{ matrix.node-version }})", 15, [
      "    strategy:",
      "      fail-fast: false",
      "      matrix:",
      `        node-version: [${versions.map(quoted).join(", ")}]`,
    ]),
    ...prepare(facts, "${{ matrix.node-version }}"),
    ...unitTestSteps(facts, report),
  ]);
}

/** The script may write reports/; they are kept 7 days when it fails. */
function integration(facts: ProjectFacts): string {
  const steps =
    facts.scripts["test:integration"] === undefined
      ? scriptOrNone(facts, "test:integration")
      : [...prepare(facts), ...run("npm run test:integration", "npm run test:integration"), ...upload("integration-reports", ["reports/"], 7, "failure()")];
  return render([
    ...header("Integration", "integration", PR_AND_MAIN, "Tier 2: the test:integration script; reports are kept 7 days when it fails."),
    ...job("integration", "Integration tests", 15),
    ...steps,
  ]);
}

/** `main` may be build output, so the build (when there is one) runs before the import. */
function importCheck(facts: ProjectFacts): string[] {
  if (facts.main === undefined) return [];
  const entry = `./${facts.main.replace(/^\.\//, "")}`;
  return [...run("Build", "npm run build --if-present"), ...run("Import the entry point", `node -e "import('${entry}')"`)];
}

const OFFLINE = ["        env:", '          npm_config_offline: "true"'];

function smoke(facts: ProjectFacts): string {
  const smokeScript = facts.scripts["test:smoke"] !== undefined ? run("npm run test:smoke", "npm run test:smoke", OFFLINE) : [];
  return render([
    ...header("Smoke", "smoke", PR_AND_MAIN, "Tier 2: the package builds, imports and packs, offline."),
    ...job("smoke", "Smoke tests", 10),
    ...prepare(facts),
    ...importCheck(facts),
    ...run("npm pack --dry-run", "npm pack --dry-run", OFFLINE),
    ...smokeScript,
  ]);
}

export function nodeWorkflows(facts: ProjectFacts): Record<string, string> {
  return {
    "lint.yml": lint(facts),
    "security.yml": security(facts),
    "unit-tests.yml": unitTests(facts),
    "integration.yml": integration(facts),
    "smoke.yml": smoke(facts),
  };
}
