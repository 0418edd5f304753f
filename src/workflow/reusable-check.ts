// Cross-file checks of jobs that call a local reusable workflow (`uses: ./...`).
import { appendAll } from "../util/large-arrays.js";
import type { Diagnostic, Job, Workflow } from "./model.js";

export function isLocalWorkflowRef(uses: string): boolean {
  return uses.startsWith("./");
}

/** The repository-relative path a local `uses:` points at. */
export function localWorkflowPath(uses: string): string {
  return uses.replace(/^\.\//, "").replace(/@.*$/, "");
}

export function checkReusableCalls(workflow: Workflow, byPath: ReadonlyMap<string, Workflow>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const job of workflow.jobs) {
    if (job.uses === undefined || !isLocalWorkflowRef(job.uses)) continue;
    appendAll(out, checkCall(job, byPath));
  }
  return out;
}

function checkCall(job: Job, byPath: ReadonlyMap<string, Workflow>): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (message: string, hint: string): void => {
    out.push({ severity: "error", file: job.pos.file, line: job.pos.line, col: job.pos.col, message, hint, rule: "reusable-workflow" });
  };
  const uses = job.uses ?? "";
  const target = byPath.get(localWorkflowPath(uses));
  if (!target) {
    at(`job '${job.id}' calls '${uses}', which does not exist`, "point `uses:` at a workflow file in .github/workflows, e.g. ./.github/workflows/build.yml");
    return out;
  }
  const call = target.triggers.find((t) => t.event === "workflow_call");
  if (!call) {
    at(`job '${job.id}' calls '${uses}', which has no 'workflow_call' trigger`, `add \`on: workflow_call\` to ${target.path}`);
    return out;
  }
  const defined = new Map((call.inputs ?? []).map((i) => [i.name, i]));
  for (const name of Object.keys(job.with)) {
    if (!defined.has(name)) {
      const known = [...defined.keys()].join(", ") || "none";
      at(
        `job '${job.id}' passes input '${name}', which ${target.path} does not define`,
        `use one of its inputs (${known}) or declare it under on.workflow_call.inputs`,
      );
    }
  }
  for (const input of defined.values()) {
    if (input.required && input.default === undefined && !(input.name in job.with)) {
      at(`job '${job.id}' does not pass required input '${input.name}' of ${target.path}`, `add \`with: { ${input.name}: ... }\``);
    }
  }
  if (job.secrets !== undefined && job.secrets !== "inherit") {
    const declared = new Set((call.secrets ?? []).map((s) => s.name));
    for (const name of Object.keys(job.secrets)) {
      if (!declared.has(name))
        at(
          `job '${job.id}' passes secret '${name}', which ${target.path} does not declare`,
          "declare it under on.workflow_call.secrets or use `secrets: inherit`",
        );
    }
  }
  if (job.secrets !== "inherit") {
    for (const s of call.secrets ?? []) {
      const given = job.secrets !== undefined && s.name in job.secrets;
      if (s.required && !given)
        at(`job '${job.id}' does not pass required secret '${s.name}' of ${target.path}`, "add it under `secrets:` or use `secrets: inherit`");
    }
  }
  return out;
}
