// docs/rules.md, made from the rule tables: every validation check and workflow policy rule with
// its id, what it means for a run, its severity, what it finds and an example.
import { POLICY_RULES } from "../gates/workflow-policy/rules.js";
import { CHECK_RULES, type CheckPhase } from "../workflow/check-rules.js";
import { RULE_EXAMPLES } from "./rule-examples.js";

const PHASE: Record<CheckPhase, string> = {
  refused: "GitHub refuses the file: `plan` and `run` leave the workflow out (and refuse the run when it was selected)",
  runtime: "GitHub meets it when the job runs: `plan` and `run` warn and run the workflow as GitHub would",
  advice: "advice: a warning only, never blocks",
};

export interface RuleEntry {
  id: string;
  severity: string;
  description: string;
  example: string | undefined;
}

/** Every rule, in the order the document lists them: validation checks, then policy rules. */
export function allRules(): { checks: (RuleEntry & { phase: CheckPhase })[]; policy: RuleEntry[] } {
  const checks = Object.entries(CHECK_RULES).map(([id, r]) => ({
    id,
    severity: r.severity,
    phase: r.phase,
    description: r.description,
    example: RULE_EXAMPLES[id],
  }));
  const policy = POLICY_RULES.map((r) => ({ id: r.id, severity: r.severity, description: r.description, example: RULE_EXAMPLES[r.id] }));
  return { checks, policy };
}

function section(r: RuleEntry, extra: string[]): string[] {
  return [
    `### \`${r.id}\``,
    "",
    `${r.description[0]?.toUpperCase() ?? ""}${r.description.slice(1)}.`.replace(/\.\.$/, "."),
    "",
    `- severity: ${r.severity}`,
    ...extra.map((e) => `- ${e}`),
    "",
    "```",
    r.example ?? "",
    "```",
    "",
  ];
}

export function renderRulesDoc(): string {
  const { checks, policy } = allRules();
  return [
    "# Rules",
    "",
    "Generated from `src/workflow/check-rules.ts`, `src/gates/workflow-policy/rules.ts` and",
    "`src/reports/rule-examples.ts` by `npm run docs`; a test fails when this file is stale.",
    "",
    "`tierci lint` reports every rule below; the rule id is in brackets after each message.",
    "",
    "## Validation checks",
    "",
    ...checks.flatMap((r) => section(r, [PHASE[r.phase]])),
    "## Workflow policy",
    "",
    "Hardening and hygiene GitHub does not enforce: a workflow breaking one still runs. Silence one",
    "finding with a `# tierci: ignore[rule-id]` comment on its line; `--strict` makes them errors.",
    "",
    ...policy.flatMap((r) => section(r, [])),
  ].join("\n");
}
