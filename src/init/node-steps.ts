// Steps the Node workflows share: installing, running a package.json script that may not
// exist yet, the test run that writes reports, and npm audit.
import type { ProjectFacts } from "./detect.js";
import { nodeMatrix, type NodeMatrix } from "./node-versions.js";
import { checkout, job, run, setup, upload } from "./yaml-parts.js";

export const quoted = (version: string): string => `"${version}"`;

/** The matrix detection derived from engines.node; the default one when facts carry none. */
export function matrixOf(facts: ProjectFacts): NodeMatrix {
  return facts.nodeMatrix ?? nodeMatrix(undefined);
}

/** The version single-version jobs use: the matrix's report version. */
export function reportVersion(facts: ProjectFacts): string {
  return quoted(matrixOf(facts).report);
}

export function hasDev(facts: ProjectFacts, name: string): boolean {
  return facts.devDependencies?.includes(name) === true;
}

/** `npm ci` needs the lock file; without one `npm install` resolves the ranges afresh. */
export function install(facts: ProjectFacts): string[] {
  return run("Install dependencies", facts.lockfile ? "npm ci" : "npm install");
}

/** Checkout, Node with the npm cache, and the project's dependencies. */
export function prepare(facts: ProjectFacts, version = reportVersion(facts)): string[] {
  return [...checkout(), ...setup(facts, version), ...install(facts)];
}

/**
 * `npm run <script>`, or, while package.json has no such script, a step that says so and
 * passes: the workflow is ready for the script and does not fail a project that has none yet.
 */
export function scriptOrNone(facts: ProjectFacts, script: string): string[] {
  if (facts.scripts[script] !== undefined) return run(`npm run ${script}`, `npm run ${script}`);
  return [
    `      # Add a "${script}" script to package.json and this step runs it.`,
    ...run(`npm run ${script}`, `echo "no ${script} script in package.json; nothing to run"`),
  ];
}

/** How the project's test runner writes reports/junit.xml and coverage, when it can without new packages. */
export interface TestReports {
  /** What the reports are, for the docs: "JUnit", "JUnit and coverage". */
  kinds: string;
  /** Appended to `npm test --`. */
  args: string[];
  env: Record<string, string>;
}

/** The test script runs the runner alone, so arguments after `npm test --` reach it. */
function runsAlone(script: string, runner: string): boolean {
  return new RegExp(`^(npx )?${runner}(\\s|$)`).test(script) && !/[;&|]/.test(script);
}

function jestReports(facts: ProjectFacts): TestReports {
  const coverage = ["--ci", "--coverage", "--coverageReporters=text", "--coverageReporters=cobertura", "--coverageDirectory=reports"];
  if (!hasDev(facts, "jest-junit")) return { kinds: "coverage", args: coverage, env: {} };
  return {
    kinds: "JUnit and coverage",
    args: [...coverage, "--reporters=default", "--reporters=jest-junit"],
    env: { JEST_JUNIT_OUTPUT_DIR: "reports", JEST_JUNIT_OUTPUT_NAME: "junit.xml" },
  };
}

function vitestReports(facts: ProjectFacts): TestReports {
  const junit = ["--reporter=default", "--reporter=junit", "--outputFile.junit=reports/junit.xml"];
  if (!hasDev(facts, "@vitest/coverage-v8") && !hasDev(facts, "@vitest/coverage-istanbul")) return { kinds: "JUnit", args: junit, env: {} };
  const coverage = ["--coverage.enabled", "--coverage.reporter=text", "--coverage.reporter=cobertura", "--coverage.reportsDirectory=reports"];
  return { kinds: "JUnit and coverage", args: [...junit, ...coverage], env: {} };
}

/**
 * node --test takes its reporter from NODE_OPTIONS wherever the script puts its file
 * arguments; Node 20 refuses --experimental-test-coverage there, so no coverage.
 */
const NODE_TEST_REPORTS: TestReports = {
  kinds: "JUnit",
  args: [],
  env: { NODE_OPTIONS: "--test-reporter=spec --test-reporter-destination=stdout --test-reporter=junit --test-reporter-destination=reports/junit.xml" },
};

export function testReports(facts: ProjectFacts): TestReports | undefined {
  const script = facts.scripts["test"] ?? "";
  if (runsAlone(script, "jest")) return jestReports(facts);
  if (runsAlone(script, "vitest")) return vitestReports(facts);
  if (/\bnode\b[^;&|]*\s--test\b/.test(script)) return NODE_TEST_REPORTS;
  return undefined;
}

/** `npm test` with the runner's report flags; plain `npm test` when it has none. */
export function testWithReports(facts: ProjectFacts, reports: TestReports | undefined, extra: string[] = []): string[] {
  if (reports === undefined) return run("npm test", "npm test", extra);
  const env = Object.entries(reports.env).map(([k, v]) => `          ${k}: "${v}"`);
  const command = ["npm test", ...(reports.args.length > 0 ? ["--", ...reports.args] : [])].join(" ");
  return run(`npm test (${reports.kinds})`, ["mkdir -p reports", command], [...extra, ...(env.length > 0 ? ["        env:", ...env] : [])]);
}

/**
 * A job that runs npm audit, failing at `level`; npm audit reads the lock file, so a project
 * without one gets a throwaway lock first. The JSON report is kept 30 days whatever the
 * verdict; the second call prints the findings for people.
 */
export function npmAuditJob(facts: ProjectFacts, name: string, level: "high" | "low", artifact: string): string[] {
  return [
    ...job("dependencies", name, 10),
    ...checkout(),
    ...setup(facts, reportVersion(facts)),
    ...(facts.lockfile ? [] : run("Resolve a lock file to audit", "npm install --package-lock-only --ignore-scripts")),
    ...run(`npm audit --audit-level=${level}`, ["mkdir -p reports", `npm audit --json > reports/${artifact}.json || true`, `npm audit --audit-level=${level}`]),
    ...upload(artifact, ["reports/"], 30, "always()"),
  ];
}
