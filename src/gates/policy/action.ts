// tierci/policy-check@v1: the change policy as a workflow step. The step fails on BLOCK;
// REVIEW_REQUIRED passes with a warning per finding, so that the run shows what to review.
import { existsSync, readFileSync } from "node:fs";
import { BuiltinFailure, type BuiltinAction, type BuiltinRun } from "../../actions/builtin-types.js";
import { GitError, resolveCommit, ZERO_SHA } from "../../git/git.js";
import { DEFAULT_PACK, policyCheck, PolicyPackError, type PolicyFinding, type PolicyRun } from "./index.js";

interface EventRefs {
  pull_request?: { base?: { sha?: string } };
  before?: string;
}

/** The base GitHub would compare with: the pull request's base, a push's previous tip, else the base branch. */
function defaultBase(run: BuiltinRun): string | undefined {
  const eventPath = run.env["GITHUB_EVENT_PATH"];
  let event: EventRefs = {};
  if (eventPath !== undefined && existsSync(eventPath)) {
    try {
      event = JSON.parse(readFileSync(eventPath, "utf8")) as EventRefs;
    } catch {
      event = {};
    }
  }
  const candidates = [event.pull_request?.base?.sha, event.before === ZERO_SHA ? undefined : event.before];
  const baseRef = run.env["GITHUB_BASE_REF"];
  if (baseRef) candidates.push(`origin/${baseRef}`, baseRef);
  return candidates.find((c): c is string => c !== undefined && c !== "" && resolveCommit(run.workspace, c) !== undefined);
}

function where(f: PolicyFinding): string {
  return `${f.file}${f.line !== undefined ? `:${f.line}` : ""}`;
}

async function main(run: BuiltinRun): Promise<void> {
  const base = run.inputs["base"] || defaultBase(run);
  if (base === undefined) {
    throw new BuiltinFailure(
      "no base to compare with: set the 'base' input, or check out with fetch-depth: 0 so that the pull request's base commit is present",
    );
  }
  let result: PolicyRun;
  try {
    result = policyCheck({
      repo: run.workspace,
      base,
      head: run.inputs["head"] || undefined,
      pack: run.inputs["pack"] || DEFAULT_PACK,
      context: run.inputs["context"] || undefined,
      eventPath: run.env["GITHUB_EVENT_PATH"],
      cwd: run.workspace,
    });
  } catch (err) {
    if (err instanceof PolicyPackError || err instanceof GitError) throw new BuiltinFailure(err.message);
    throw err;
  }
  for (const f of result.findings) run.log(`${where(f)}: ${f.level}: ${f.message} [${f.ruleId}]`);
  run.log(
    `decision: ${result.decision} (${result.findings.length} finding(s) in ${result.filesChanged} changed file(s)${result.justified.length > 0 ? `; justified: ${result.justified.join(", ")}` : ""})`,
  );
  run.setOutput("decision", result.decision);
  run.setOutput("findings", String(result.findings.length));
  for (const f of result.findings.filter((x) => x.level === "WARN")) run.warning(`${where(f)}: ${f.message} [${f.ruleId}]`);
  const blocking = result.findings.filter((f) => f.level === "BLOCK");
  if (blocking.length > 0) {
    const shown = blocking.slice(0, 5).map((f) => `${where(f)} [${f.ruleId}]`);
    throw new BuiltinFailure(`policy check: BLOCK: ${shown.join(", ")}${blocking.length > shown.length ? ` and ${blocking.length - shown.length} more` : ""}`);
  }
}

export const policyCheckAction: BuiltinAction = {
  name: "tierci/policy-check",
  inputs: { base: { default: "" }, head: { default: "" }, pack: { default: DEFAULT_PACK }, context: { default: "" } },
  main,
};
