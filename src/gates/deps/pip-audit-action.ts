// `uses: pypa/gh-action-pip-audit`: pip-audit asks PyPI or OSV over the network; tierci answers
// the same question offline from the repository's OSV database, so a workflow written for GitHub
// runs here unchanged. Both of the action's sources work: named requirement files or project
// directories (`inputs`), and the installed environment ("pip list" mode, the default).
import { isInside } from "../../util/path-inside.js";
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { BuiltinFailure, type BuiltinAction, type BuiltinRun } from "../../actions/builtin-types.js";
import { auditStep } from "./action.js";
import { splitIds } from "./audit.js";
import { collectFiles, type Collected } from "./collect.js";

/** The label findings from "pip list" mode carry instead of a file. */
export const ENVIRONMENT_SOURCE = "installed environment";

// Inputs about where pip-audit looks things up and how it resolves requirements. The offline audit
// reads pinned versions as written and never resolves, so they do not apply; the log says so.
const RESOLVER_INPUTS = ["index-url", "extra-index-url", "vulnerability-service", "require-hashes", "no-deps"];

function inWorkspace(run: BuiltinRun, path: string): string {
  const full = resolve(run.workspace, path);
  if (!isInside(run.workspace, full)) throw new BuiltinFailure(`inputs: ${path} is outside the workspace`);
  const rel = relative(run.workspace, full);
  return rel === "" ? "." : rel;
}

/** `inputs`: files are read as what they are; a directory is a project, read from its pyproject.toml. */
function namedFiles(run: BuiltinRun, inputs: string[]): string[] {
  return inputs.map((input) => {
    const rel = inWorkspace(run, input);
    const full = join(run.workspace, rel);
    if (!existsSync(full)) throw new BuiltinFailure(`inputs: ${input} does not exist in the workspace`);
    if (!statSync(full).isDirectory()) return rel;
    if (!existsSync(join(full, "pyproject.toml")))
      throw new BuiltinFailure(`inputs: ${input} is a directory without a pyproject.toml; name a requirements file instead`);
    return rel === "." ? "pyproject.toml" : `${rel}/pyproject.toml`;
  });
}

interface PipListEntry {
  name?: unknown;
  version?: unknown;
}

/** The distributions the job's Python (or the named virtual environment) has installed. */
export function installedPackages(run: BuiltinRun, venv: string, localOnly: boolean): Collected {
  const python = venv === "" ? "python" : join(resolve(run.workspace, venv), "bin", "python");
  const args = ["-m", "pip", "list", "--format=json", "--disable-pip-version-check", ...(localOnly ? ["--local"] : [])];
  const result = spawnSync(python, args, { cwd: run.workspace, env: { ...run.env }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined || result.status !== 0) {
    const why = result.error?.message ?? result.stderr.trim().split("\n").at(-1) ?? `exit ${String(result.status)}`;
    throw new BuiltinFailure(
      `cannot list the installed packages with \`${python} ${args.join(" ")}\`: ${why}; run actions/setup-python first or set virtual-environment`,
    );
  }
  let entries: PipListEntry[];
  try {
    entries = JSON.parse(result.stdout) as PipListEntry[];
  } catch {
    throw new BuiltinFailure(`\`pip list --format=json\` printed something that is not JSON: ${result.stdout.slice(0, 200)}`);
  }
  const dependencies = entries.flatMap((e) =>
    typeof e.name === "string" && typeof e.version === "string"
      ? [{ ecosystem: "PyPI" as const, name: e.name, version: e.version, file: ENVIRONMENT_SOURCE }]
      : [],
  );
  return { files: [], dependencies, notes: [] };
}

export const pipAuditAction: BuiltinAction = {
  name: "pypa/gh-action-pip-audit",
  inputs: {
    inputs: { default: "" },
    "virtual-environment": { default: "" },
    local: { default: "false" },
    "ignore-vulns": { default: "" },
    summary: { default: "true" },
    ...Object.fromEntries(RESOLVER_INPUTS.map((name) => [name, { default: "" }])),
  },
  async main(run) {
    run.log("pip-audit runs as tierci's offline dependency audit, against the OSV database of this repository's state directory (`tierci deps db status`)");
    const unused = RESOLVER_INPUTS.filter((name) => (run.inputs[name] ?? "") !== "" && run.inputs[name] !== "false");
    if (unused.length > 0) run.log(`Ignoring inputs that do not apply to an offline audit of pinned versions: ${unused.join(", ")}`);
    const inputs = splitIds(run.inputs["inputs"] ?? "");
    const collected =
      inputs.length > 0
        ? collectFiles(run.workspace, namedFiles(run, inputs))
        : installedPackages(run, run.inputs["virtual-environment"] ?? "", run.inputs["local"] === "true");
    const source = inputs.length > 0 ? collected.files.join(", ") || inputs.join(", ") : `the ${ENVIRONMENT_SOURCE}`;
    const options = { root: run.workspace, dbDir: join(run.stateDir, "osv"), maxAgeDays: 7, ignore: splitIds(run.inputs["ignore-vulns"] ?? ""), collected };
    auditStep(run, options, () => `package version(s) from ${source}`);
  },
};
