// `tierci graph`: tiers and the needs-DAG of their jobs as text, Mermaid or Graphviz dot.
import type { Repository } from "../../workflow/load.js";
import type { Workflow } from "../../workflow/model.js";
import { UsageError } from "../key-values.js";
import { style, type Out } from "../output.js";
import { loadValid, type CommonOptions } from "../prepare.js";

export interface GraphOptions extends CommonOptions {
  format: string;
}

interface TierView {
  name: string;
  workflows: Workflow[];
}

function tierViews(repo: Repository): TierView[] {
  const byFile = new Map(repo.workflows.map((w) => [w.fileName, w]));
  return repo.tiers.map((t) => ({
    name: t.name,
    workflows: t.workflows.map((f) => byFile.get(f)).filter((w): w is Workflow => w !== undefined),
  }));
}

/** Node ids safe for Mermaid and dot: only [A-Za-z0-9_]. */
function nodeId(workflow: Workflow, jobId: string): string {
  return `${workflow.fileName}__${jobId}`.replace(/[^A-Za-z0-9_]/g, "_");
}

function quote(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
}

function text(views: TierView[]): string[] {
  const lines: string[] = [];
  views.forEach((tier, i) => {
    if (i > 0) lines.push("   |", "   v");
    lines.push(style.bold(`[tier ${i + 1}] ${tier.name}`));
    for (const w of tier.workflows) {
      lines.push(`  ${w.name} (${w.fileName})`);
      for (const j of w.jobs) {
        const deps = j.needs.length ? ` <- ${j.needs.join(", ")}` : "";
        const marks = `${j.strategy?.matrix !== undefined ? " [matrix]" : ""}${j.uses ? ` [calls ${j.uses}]` : ""}`;
        lines.push(`    ${j.id}${marks}${style.dim(deps)}`);
      }
    }
  });
  return lines;
}

function mermaid(views: TierView[]): string[] {
  const lines = ["flowchart LR"];
  const firsts: string[] = [];
  views.forEach((tier, i) => {
    const tierId = `tier${i + 1}`;
    firsts.push(tierId);
    lines.push(`  subgraph ${tierId}["tier ${i + 1}: ${quote(tier.name)}"]`);
    for (const w of tier.workflows) {
      lines.push(`    subgraph ${nodeId(w, "wf")}["${quote(w.name)}"]`);
      for (const j of w.jobs) lines.push(`      ${nodeId(w, j.id)}["${quote(j.name ?? j.id)}"]`);
      lines.push("    end");
    }
    lines.push("  end");
    for (const w of tier.workflows) for (const j of w.jobs) for (const n of j.needs) lines.push(`  ${nodeId(w, n)} --> ${nodeId(w, j.id)}`);
  });
  for (let i = 1; i < firsts.length; i++) lines.push(`  ${firsts[i - 1]} ==> ${firsts[i]}`);
  return lines;
}

function dot(views: TierView[]): string[] {
  const lines = ["digraph tierci {", "  rankdir=LR;", "  compound=true;", "  node [shape=box];"];
  const anchors: string[] = [];
  views.forEach((tier, i) => {
    lines.push(`  subgraph cluster_tier${i + 1} {`, `    label="tier ${i + 1}: ${quote(tier.name)}";`);
    for (const w of tier.workflows) {
      lines.push(`    subgraph cluster_${nodeId(w, "wf")} {`, `      label="${quote(w.name)}";`);
      for (const j of w.jobs) lines.push(`      ${nodeId(w, j.id)} [label="${quote(j.name ?? j.id)}"];`);
      lines.push("    }");
    }
    lines.push("  }");
    const first = tier.workflows[0]?.jobs[0];
    const w0 = tier.workflows[0];
    if (first && w0) anchors.push(`${nodeId(w0, first.id)}|cluster_tier${i + 1}`);
    for (const w of tier.workflows) for (const j of w.jobs) for (const n of j.needs) lines.push(`  ${nodeId(w, n)} -> ${nodeId(w, j.id)};`);
  });
  for (let i = 1; i < anchors.length; i++) {
    const [fromNode, fromCluster] = (anchors[i - 1] ?? "").split("|");
    const [toNode, toCluster] = (anchors[i] ?? "").split("|");
    lines.push(`  ${fromNode} -> ${toNode} [ltail=${fromCluster}, lhead=${toCluster}, style=bold];`);
  }
  lines.push("}");
  return lines;
}

export async function graphCommand(out: Out, opts: GraphOptions): Promise<number> {
  const renderers: Record<string, (views: TierView[]) => string[]> = { text, mermaid, dot };
  const render = renderers[opts.format];
  if (!render) throw new UsageError(`unknown graph format '${opts.format}'; use text, mermaid or dot`);
  const repo = await loadValid(out, opts);
  for (const line of render(tierViews(repo))) out.log(line);
  return 0;
}
