// What every policy rule module reads (the workflow with its YAML nodes, as validation
// checks see it, and the repository's files when known) and where it reports.
import type { Node } from "yaml";
import type { SourcePos, Step } from "../../workflow/model.js";
import { CheckContext, type JobNodes } from "../../workflow/checks/context.js";
import { get, items } from "../../workflow/yaml-tree.js";
import type { Finding } from "../finding.js";
import { policyRule, type PolicyRuleId } from "./rules.js";

export interface StepNodes {
  model: Step;
  node: Node;
}

export class PolicyContext {
  readonly findings: Finding[] = [];

  constructor(
    readonly check: CheckContext,
    /** Repository-relative paths of the repository's files; undefined when they cannot be listed. */
    readonly files: readonly string[] | undefined,
  ) {}

  get src(): CheckContext["src"] {
    return this.check.src;
  }

  get workflow(): CheckContext["workflow"] {
    return this.check.workflow;
  }

  report(rule: PolicyRuleId, at: Node | SourcePos | undefined, message: string, hint?: string): void {
    const info = policyRule(rule);
    const p = this.check.pos(at);
    this.findings.push({ ruleId: rule, severity: info.severity, message, file: this.workflow.path, line: p.line, col: p.col, hint: hint ?? info.hint });
  }

  /** A job's steps with their models; buildWorkflow reads them in the same order. */
  steps(job: JobNodes): StepNodes[] {
    return items(this.src, get(this.src, job.node, "steps")).flatMap((node, i) => {
      const model = job.model.steps[i];
      return model ? [{ model, node }] : [];
    });
  }

  /** Whether the workflow runs on any of these events. */
  triggeredBy(events: readonly string[]): string[] {
    return [...new Set(this.workflow.triggers.map((t) => t.event).filter((e) => events.includes(e)))];
  }
}

/** `owner/repo` of a step's or job's `uses:`, lower-cased; undefined for local, docker and expression references. */
export function actionName(uses: string | undefined): string | undefined {
  if (uses === undefined || uses.startsWith("./") || uses.startsWith("docker://") || uses.includes("${{")) return undefined;
  const m = /^([^/@\s]+)\/([^/@\s]+)(\/[^@]*)?@/.exec(uses.trim());
  return m ? `${m[1]}/${m[2]}`.toLowerCase() : undefined;
}

/** `owner/repo/path` of a reference, lower-cased, for actions that live in a subdirectory (github/codeql-action/analyze). */
export function actionPath(uses: string | undefined): string | undefined {
  if (actionName(uses) === undefined || uses === undefined) return undefined;
  return uses.trim().slice(0, uses.trim().indexOf("@")).toLowerCase();
}

// Actions published by GitHub itself, and tierci's built-ins, which run inside tierci.
const FIRST_PARTY_OWNERS = new Set(["actions", "github", "tierci"]);

export function isThirdParty(uses: string | undefined): boolean {
  const name = actionName(uses);
  return name !== undefined && !FIRST_PARTY_OWNERS.has(name.slice(0, name.indexOf("/")));
}
