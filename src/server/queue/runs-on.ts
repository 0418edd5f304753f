// The labels a job asks a runner for, from its `runs-on:` (a label, a list, or `{group, labels}`,
// any of them written with expressions), as the agents' labels are compared with them. GitHub's
// hosted images ask for their operating system, since tierci runs those jobs on the host.
import { evaluateValue, type ExprContexts, type ExprValue } from "../../expr/index.js";
import type { JobRequest } from "../../runner/job-types.js";

const HOSTED: [RegExp, string[]][] = [
  [/^ubuntu-(latest|slim|\d+\.\d+)-arm$/, ["linux", "arm64"]],
  [/^ubuntu-(latest|slim|\d+\.\d+)$/, ["linux"]],
  [/^windows-(latest|\d+)$/, ["windows"]],
  [/^windows-11-arm$/, ["windows", "arm64"]],
  [/^macos-(latest|\d+)(-large|-xlarge|-intel)?$/, ["macos"]],
];

/** What a label asks for: GitHub's hosted image labels become their operating system. */
export function normalizeLabel(label: string): string[] {
  const l = label.trim().toLowerCase();
  for (const [pattern, labels] of HOSTED) if (pattern.test(l)) return labels;
  return l === "" ? [] : [l];
}

function textsOf(value: ExprValue): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (value !== null && typeof value === "object") return textsOf(value["labels"] ?? null);
  return value === null ? [] : [String(value)];
}

function evaluated(value: ExprValue, contexts: ExprContexts): ExprValue {
  if (typeof value === "string" && value.includes("${{")) return evaluateValue(value, contexts);
  if (Array.isArray(value)) return value.map((v) => evaluated(v, contexts));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluated(v, contexts)]));
  return value;
}

/** The job's labels, sorted and without repeats; `linux` for a job with no `runs-on:`. */
export function jobLabels(req: JobRequest): string[] {
  const runsOn = req.job.job.runsOn;
  if (runsOn === undefined || runsOn === null) return ["linux"];
  const contexts: ExprContexts = {
    matrix: (req.job.matrix ?? {}) as ExprValue,
    strategy: req.strategy,
    inputs: req.workflow.inputs as ExprValue,
    vars: req.options.vars,
    needs: Object.fromEntries(Object.entries(req.needs).map(([k, n]) => [k, { result: n.result, outputs: n.outputs }])),
    github: {
      event_name: req.event.name,
      ref: req.event.ref,
      sha: req.event.sha,
      repository: req.event.repository,
      actor: req.event.actor,
      event: req.event.payload as ExprValue,
    },
  };
  const labels = new Set(textsOf(evaluated(runsOn as ExprValue, contexts)).flatMap(normalizeLabel));
  return [...labels].sort();
}
