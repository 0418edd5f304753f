// Jobs that do not depend on the project's language, shared by every template.
import { checkout, header, job, render, run, thirdPartyStep } from "./yaml-parts.js";

const LARGE_FILE_BYTES = 5 * 1024 * 1024;

/** A job that fails on tracked files over 5 MB, with a file annotation for each. */
export function repositoryAuditJob(): string[] {
  return [
    ...job("repository", "Repository audit", 10),
    ...checkout(),
    ...run("Tracked files under 5 MB", [
      "status=0",
      "while IFS= read -r -d '' f; do",
      `  if [ -f "$f" ] && [ "$(wc -c < "$f")" -gt ${LARGE_FILE_BYTES} ]; then echo "::error file=$f::larger than 5 MB; use Git LFS or keep it out of the repository"; status=1; fi`,
      "done < <(git ls-files -z)",
      'exit "$status"',
    ]),
  ];
}

export function policyWorkflow(): string {
  return render([
    ...header("Policy", "policy", ["  pull_request:"], "Tier 3: rules on the lines a pull request adds (conflict markers, debugger calls)."),
    ...job("policy", "Policy critic", 5),
    ...checkout(true),
    ...run(
      "Check the added lines",
      [
        // A checkout without the base branch (a shallow or one-commit one) has no merge base: then every line counts as added.
        'base=$(git merge-base "origin/$BASE_REF" HEAD 2>/dev/null || git merge-base "$BASE_REF" HEAD 2>/dev/null || git hash-object -t tree /dev/null)',
        "added=$(git diff --unified=0 \"$base\" HEAD -- . ':!.github/workflows' | grep -E '^\\+[^+]' || true)",
        "hits=$(printf '%s\\n' \"$added\" | grep -nE '^\\+(<{7}|>{7})( |$)|breakpoint\\(\\)|pdb\\.set_trace\\(|\\bdebugger;' || true)",
        'if [ -n "$hits" ]; then echo "$hits"; echo "::error::the change adds conflict markers or debugger calls"; exit 1; fi',
        'echo "no policy finding on the added lines"',
      ],
      ["        env:", "          BASE_REF: ${{ github.base_ref }}"],
    ),
  ]);
}

/** gitleaks over the whole history: on GitHub the action, here tierci's own scanner in its place. */
export function secretScanJob(): string[] {
  return [
    ...job("secrets", "Secret scan (full history)", 10),
    ...checkout(true),
    ...thirdPartyStep("gitleaks", "gitleaks/gitleaks-action@v2", []),
    "        env:",
    "          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
  ];
}

/** The weekly test-health workflow up to its steps; each template adds how it runs its suite. */
export function testHealthHead(): string[] {
  return [
    ...header(
      "Test health",
      "test-health",
      ["  schedule:", '    - cron: "0 4 * * 1"', "  workflow_dispatch:"],
      "Tier 3: the whole suite weekly (04:00 UTC Monday); its JUnit history feeds `tierci health`.",
    ),
    ...job("health", "Test health", 20),
  ];
}
