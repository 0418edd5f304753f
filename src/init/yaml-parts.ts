// Pieces every generated workflow shares, so the hardening (permissions, timeouts,
// concurrency, pinned first-party actions) is written once and cannot drift between files.
import type { ProjectFacts } from "./detect.js";

export const CHECKOUT = "actions/checkout@v4";
export const SETUP_PYTHON = "actions/setup-python@v5";
export const SETUP_NODE = "actions/setup-node@v4";
export const UPLOAD = "actions/upload-artifact@v4";

export const PR_AND_MAIN = ["  pull_request:", "  push:", "    branches: [main]", "  workflow_dispatch:"];

/** Header up to `jobs:`; `file` names the concurrency group so two workflows never cancel each other. */
export function header(name: string, file: string, on: string[], comment: string): string[] {
  return [
    `# ${comment}`,
    "# Written by `tierci init`; plain GitHub Actions, so it runs unchanged on GitHub.",
    `name: ${name}`,
    "on:",
    ...on,
    "permissions:",
    "  contents: read",
    "concurrency:",
    `  group: ${file}-\${{ github.ref }}`,
    "  cancel-in-progress: true",
    "defaults:",
    "  run:",
    // An explicit shell makes GitHub add -o pipefail, so `cmd | tee report` fails when cmd does.
    "    shell: bash",
    "jobs:",
  ];
}

export function job(id: string, name: string, timeoutMinutes: number, extra: string[] = []): string[] {
  return [`  ${id}:`, `    name: ${name}`, "    runs-on: ubuntu-latest", `    timeout-minutes: ${timeoutMinutes}`, ...extra, "    steps:"];
}

export function checkout(fullHistory = false): string[] {
  return fullHistory ? [`      - uses: ${CHECKOUT}`, "        with:", "          fetch-depth: 0"] : [`      - uses: ${CHECKOUT}`];
}

/** A `run:` step; multi-line scripts become a literal block. */
export function run(name: string, script: string | string[], extra: string[] = []): string[] {
  const lines = typeof script === "string" ? [script] : script;
  const body = lines.length === 1 ? [`        run: ${lines[0] ?? ""}`] : ["        run: |", ...lines.map((l) => (l === "" ? "" : `          ${l}`))];
  return [`      - name: ${name}`, ...extra, ...body];
}

export function upload(name: string, paths: string[], retentionDays: number, condition: string): string[] {
  return [
    `      - name: Upload ${name}`,
    `        if: ${condition}`,
    `        uses: ${UPLOAD}`,
    "        with:",
    `          name: ${name}`,
    ...(paths.length === 1 ? [`          path: ${paths[0] ?? ""}`] : ["          path: |", ...paths.map((p) => `            ${p}`)]),
    "          if-no-files-found: ignore",
    `          retention-days: ${retentionDays}`,
  ];
}

/** setup-python or setup-node with a cache keyed on the dependency files that exist. */
export function setup(facts: ProjectFacts, version: string): string[] {
  if (facts.template === "python") {
    return [
      `      - uses: ${SETUP_PYTHON}`,
      "        with:",
      `          python-version: ${version}`,
      "          cache: pip",
      "          cache-dependency-path: |",
      ...facts.dependencyFiles.map((f) => `            ${f}`),
    ];
  }
  // setup-node's npm cache needs a lock file to key on; without one it fails, so no cache.
  const cache = facts.lockfile ? ["          cache: npm", "          cache-dependency-path: package-lock.json"] : [];
  return [`      - uses: ${SETUP_NODE}`, "        with:", `          node-version: ${version}`, ...cache];
}

/** Runs pytest and treats "no tests collected" (exit 5) as success: a marker may have no tests yet. */
export function pytestAllowingNone(args: string): string[] {
  return [`status=0`, `python -m pytest ${args} || status=$?`, `if [ "$status" -eq 5 ]; then echo "no tests selected"; exit 0; fi`, `exit "$status"`];
}

export function render(lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

/** A third-party action by tag: init cannot look up its commit SHA offline, so the policy finding is waived here. */
export function thirdPartyStep(name: string, uses: string, with_: string[]): string[] {
  return [
    `      - name: ${name}`,
    "        # A tag, not a SHA: init cannot look one up offline. Pin it to the tag's commit SHA when you can.",
    "        # tierci: ignore[unpinned-action]",
    `        uses: ${uses}`,
    ...(with_.length > 0 ? ["        with:", ...with_.map((l) => `          ${l}`)] : []),
  ];
}
