// docs/CI.md for the Node pipeline: what each tier checks, for this project's scripts, and how to fix what commonly goes wrong.
import type { ProjectFacts } from "./detect.js";
import { LOCAL_COMMANDS, TRIGGERS } from "./doc-parts.js";
import { hasDev, matrixOf, testReports } from "./node-steps.js";

const code = (s: string): string => `\`${s}\``;

function lintSummary(facts: ProjectFacts): string {
  const tools = [
    ...(facts.scripts["lint"] !== undefined ? [code("npm run lint")] : hasDev(facts, "eslint") ? ["eslint"] : []),
    ...(hasDev(facts, "prettier") && !/prettier/.test(facts.scripts["lint"] ?? "") ? ["prettier --check"] : []),
    ...(facts.scripts["typecheck"] !== undefined
      ? [`${code("npm run typecheck")} (non-blocking)`]
      : hasDev(facts, "typescript")
        ? ["tsc --noEmit (non-blocking)"]
        : []),
  ];
  return tools.length > 0 ? tools.join(", ") : "nothing yet: add a `lint` script";
}

function securitySummary(facts: ProjectFacts): string {
  const staticLint = facts.scripts["lint:security"] !== undefined ? ", `npm run lint:security`" : "";
  return `gitleaks over the full history, \`npm audit --audit-level=high\`${staticLint} (reports kept 30 days)`;
}

function unitSummary(facts: ProjectFacts): string {
  const { versions, report } = matrixOf(facts);
  const reports = testReports(facts);
  const written = reports === undefined ? "no reports: the test runner was not recognized" : `${reports.kinds} on ${report}`;
  return `\`npm test\` on Node ${versions.join("/")} (${written})`;
}

const scriptSummary = (facts: ProjectFacts, script: string): string =>
  facts.scripts[script] !== undefined ? code(`npm run ${script}`) : `${code(script)} script, when you add one`;

function tierTable(facts: ProjectFacts): string {
  return `| tier | budget | workflows | what it checks |
|---|---|---|---|
| fast-gates | 5 min | lint.yml, security.yml | ${lintSummary(facts)}; ${securitySummary(facts)} |
| core-ci | 15 min | unit-tests.yml, integration.yml, smoke.yml | ${unitSummary(facts)}; ${scriptSummary(facts, "test:integration")} (reports/ kept 7 days on failure); build, import of \`main\` and \`npm pack --dry-run\`, offline |
| deep-validation | 20 min | audit.yml, policy.yml, test-health.yml, nightly.yml | large tracked files and \`npm audit\` at any severity; conflict markers and debugger statements on a pull request's added lines; weekly JUnit history (kept 90 days); a nightly script |`;
}

function staticSecurityNote(facts: ProjectFacts): string {
  if (facts.scripts["lint:security"] !== undefined) return "";
  return `
There is no static security lint: init does not change your eslint configuration. Add a security
plugin to it (for example eslint-plugin-security), a \`lint:security\` script that runs it, and
re-run \`tierci init --force\` to get a job for it in security.yml.
`;
}

function troubleshooting(facts: ProjectFacts): string {
  const { versions } = matrixOf(facts);
  const cacheKey = facts.lockfile
    ? "`package-lock.json`; any change to it starts a new cache"
    : "nothing: there is no `package-lock.json`, so setup-node keeps no npm cache and every job downloads its packages. Commit a lock file and re-run `tierci init --force`";
  return `## Troubleshooting

- **Missing Node version.** The unit-test matrix needs Node ${versions.join(", ")}${facts.engines !== undefined ? ` (the LTS lines \`engines.node\` allows: \`${facts.engines}\`)` : ""}.
  tierci uses the Node.js installations it finds on this machine (nvm, fnm, volta, the system
  node); a job whose version is missing fails alone. Install it (\`nvm install ${versions[versions.length - 1] ?? ""}\`).
- **npm registry offline.** \`npm ci\` and \`npm audit\` need the registry. Behind a proxy or a
  mirror, set it for the run: \`tierci run --env npm_config_registry=https://...\`. Offline, a
  warm npm cache lets \`npm ci\` pass, but \`npm audit\` cannot fetch advisories and fails.
- **Cache misses.** The npm cache is keyed on ${cacheKey}. \`tierci cache ls\` shows the keys saved.
- **A tier never starts.** Tiers are gates: when lint fails, core-ci is reported as skipped. Fix
  the first failure, or use \`tierci run --no-gate\` to start every tier at once, as GitHub does.
- **Reading the results.** \`tierci runs\` lists runs; \`tierci logs <run> [job]\` prints a job's
  log; \`tierci report <run>\` writes a single-file HTML report with tests, coverage and artifacts.
`;
}

export function nodeCiDoc(facts: ProjectFacts): string {
  return `# CI for ${facts.name}

The pipeline is plain GitHub Actions under \`.github/workflows/\`: it runs unchanged on GitHub, and
on this machine with tierci as three tiers (\`.github/tiers.yml\`). A tier starts only when every
job of the tier before it passed. The checks are the project's own scripts and devDependencies;
init installs nothing new.

${tierTable(facts)}

${TRIGGERS} Dependencies install with
${facts.lockfile ? "`npm ci` from `package-lock.json`" : "`npm install` (there is no `package-lock.json`)"}.
${staticSecurityNote(facts)}
${LOCAL_COMMANDS}

${troubleshooting(facts)}`;
}
