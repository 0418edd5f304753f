// docs/CI.md for the Python pipeline: what each tier checks and how to fix what commonly goes wrong.
import type { ProjectFacts } from "./detect.js";
import { LOCAL_COMMANDS, TRIGGERS } from "./doc-parts.js";
import { matrixOf } from "./python.js";

export function pythonCiDoc(facts: ProjectFacts): string {
  const { versions, report } = matrixOf(facts);
  return `# CI for ${facts.name}

The pipeline is plain GitHub Actions under \`.github/workflows/\`: it runs unchanged on GitHub, and
on this machine with [tierci](https://github.com/) as three tiers (\`.github/tiers.yml\`). A tier
starts only when every job of the tier before it passed.

| tier | budget | workflows | what it checks |
|---|---|---|---|
| fast-gates | 5 min | lint.yml, security.yml | ruff, black, isort, mypy (non-blocking); gitleaks over the full history, pip-audit of the requirement files, ruff's security rules (bandit's checks; SARIF kept 30 days) |
| core-ci | 15 min | unit-tests.yml, integration.yml, smoke.yml | pytest on Python ${versions.join("/")} with \`-n auto -m "not integration and not slow"\` (coverage + JUnit on ${report}); \`-m integration\` (reports kept 7 days on failure); import, each console script's \`--help\`, \`-m smoke\` |
| deep-validation | 20 min | audit.yml, policy.yml, test-health.yml, nightly.yml | large tracked files and pip-audit of every installed package; conflict markers and debugger calls on a pull request's added lines; weekly JUnit history; nightly \`-m slow\` |

${TRIGGERS}

${LOCAL_COMMANDS}

## Troubleshooting

- **Missing Python version.** The unit-test matrix needs Python ${versions.join(", ")} (the oldest releases
  \`requires-python\` allows). tierci uses the interpreters it finds on this machine
  (\`python${versions[0] ?? "3"}\`, ...); install the missing one (pyenv, uv, the system package manager); the
  other jobs do not need it.
- **pip index offline.** Installs need the package index. Behind a proxy set \`PIP_INDEX_URL\`
  (\`tierci run --env PIP_INDEX_URL=...\`); offline, a warm pip cache lets the installs pass.
- **pip-audit: no vulnerability database.** On GitHub, pip-audit asks PyPI. tierci answers offline
  from its own copy of the OSV database, which you refresh at least weekly:
  download https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip and run
  \`tierci deps db import all.zip\` (\`tierci deps db status\` shows its age).
- **Cache misses.** The pip cache is keyed on ${facts.dependencyFiles.map((f) => `\`${f}\``).join(", ")};
  any change to them starts a new cache. \`tierci cache ls\` shows the keys saved.
- **A tier never starts.** Tiers are gates: when lint fails, core-ci is reported as skipped. Fix
  the first failure, or use \`tierci run --no-gate\` to start every tier at once, as GitHub does.
- **Reading the results.** \`tierci runs\` lists runs; \`tierci logs <run> [job]\` prints a job's
  log; \`tierci report <run>\` writes a single-file HTML report with tests, coverage and artifacts.
`;
}
