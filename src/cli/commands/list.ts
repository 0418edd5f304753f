import type { Repository } from "../../workflow/load.js";
import { style, writeJson, type Out } from "../output.js";
import { loadValid, type CommonOptions } from "../prepare.js";

export interface ListOptions extends CommonOptions {
  json?: string;
}

interface ListRow {
  tier: string;
  file: string;
  workflow: string;
  events: string[];
  jobs: { id: string; name: string; needs: string[]; matrix: boolean; uses?: string }[];
}

function rows(repo: Repository): ListRow[] {
  const byFile = new Map(repo.workflows.map((w) => [w.fileName, w]));
  return repo.tiers.flatMap((tier) =>
    tier.workflows.flatMap((f) => {
      const w = byFile.get(f);
      if (!w) return [];
      return [
        {
          tier: tier.name,
          file: w.path,
          workflow: w.name,
          events: w.triggers.map((t) => t.event),
          jobs: w.jobs.map((j) => ({
            id: j.id,
            name: j.name ?? j.id,
            needs: j.needs,
            matrix: j.strategy?.matrix !== undefined,
            ...(j.uses ? { uses: j.uses } : {}),
          })),
        },
      ];
    }),
  );
}

export async function listCommand(out: Out, opts: ListOptions): Promise<number> {
  const repo = await loadValid(out, opts);
  const table = rows(repo);
  if (opts.json !== undefined) writeJson(opts.json, { workflows: table });
  if (opts.json === "-") return 0;
  const header = ["TIER", "WORKFLOW", "JOB", "EVENTS", "FILE"];
  const lines = table.flatMap((r) =>
    r.jobs.map((j) => [r.tier, r.workflow, `${j.id}${j.matrix ? " [matrix]" : ""}${j.uses ? ` -> ${j.uses}` : ""}`, r.events.join(","), r.file]),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const fmt = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd();
  out.log(style.bold(fmt(header)));
  for (const l of lines) out.log(fmt(l));
  return 0;
}
