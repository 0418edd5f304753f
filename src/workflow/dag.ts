// The `needs:` graph of one workflow's jobs: validation, a stable run order, and the levels of jobs
// that can start together.
//
// Job ids are matched case-insensitively, as GitHub does (`needs: Build` finds the job `build`);
// every id this module returns is spelled as the job defines it.

export interface DagJob {
  id: string;
  needs: readonly string[];
}

export type DagErrorKind = "unknown-need" | "self-need" | "cycle";

export interface DagError {
  /** The job whose `needs:` is at fault, so the caller can point at its position. */
  jobId: string;
  kind: DagErrorKind;
  message: string;
}

export interface Dag {
  /**
   * Every job after the jobs it needs, otherwise as close to file order as that allows: the next job
   * is always the first one in the file whose needs are all placed.
   * Jobs on a cycle, and the jobs that need them, are left out (the cycle is in `errors`).
   * An unknown need is reported and otherwise ignored.
   */
  order: string[];
  /** `levels[0]` needs nothing; a job in `levels[n]` needs at least one job in `levels[n - 1]`. File order within a level. */
  levels: string[][];
  errors: DagError[];
}

interface Graph {
  ids: string[];
  /** Resolved direct needs of each job, deduplicated, unknown ones dropped. */
  needs: Map<string, string[]>;
  errors: DagError[];
}

function resolve(jobs: readonly DagJob[]): Graph {
  const byKey = new Map(jobs.map((j) => [j.id.toLowerCase(), j.id]));
  const ids = jobs.map((j) => j.id);
  const needs = new Map<string, string[]>();
  const errors: DagError[] = [];
  for (const job of jobs) {
    const resolved: string[] = [];
    for (const need of job.needs) {
      const target = byKey.get(need.toLowerCase());
      if (target === undefined) {
        errors.push({
          jobId: job.id,
          kind: "unknown-need",
          message: `job '${job.id}' needs '${need}', which is not a job in this workflow; known jobs: ${ids.join(", ")}`,
        });
      } else if (target === job.id) {
        errors.push({ jobId: job.id, kind: "self-need", message: `job '${job.id}' needs itself; remove '${need}' from its needs` });
      } else if (!resolved.includes(target)) {
        resolved.push(target);
      }
    }
    needs.set(job.id, resolved);
  }
  return { ids, needs, errors };
}

function needsOf(graph: Graph, id: string): string[] {
  return graph.needs.get(id) ?? [];
}

/**
 * The cycles a depth-first walk along `needs` runs into (at least one for each group of jobs that
 * need each other), each starting at its job that comes first in the file, as actionlint reports
 * them: `a -> b -> c -> a` reads "a needs b, b needs c, c needs a".
 */
function findCycles(graph: Graph): DagError[] {
  const position = new Map(graph.ids.map((id, i) => [id, i]));
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const seen = new Set<string>();
  const errors: DagError[] = [];

  const visit = (id: string): void => {
    state.set(id, "active");
    stack.push(id);
    for (const next of needsOf(graph, id)) {
      const s = state.get(next);
      if (s === undefined) {
        visit(next);
      } else if (s === "active") {
        const loop = stack.slice(stack.indexOf(next));
        const first = loop.reduce((a, b) => ((position.get(a) ?? 0) <= (position.get(b) ?? 0) ? a : b));
        const start = loop.indexOf(first);
        const path = [...loop.slice(start), ...loop.slice(0, start), first];
        const key = path.join("\u0000");
        if (!seen.has(key)) {
          seen.add(key);
          errors.push({
            jobId: first,
            kind: "cycle",
            message: `jobs need each other in a cycle: ${path.join(" -> ")} (each job needs the next); remove one of these needs`,
          });
        }
      }
    }
    stack.pop();
    state.set(id, "done");
  };

  for (const id of graph.ids) if (!state.has(id)) visit(id);
  return errors;
}

export function buildDag(jobs: readonly DagJob[]): Dag {
  const graph = resolve(jobs);
  const errors = [...graph.errors, ...findCycles(graph)];

  // Repeatedly take the first job in file order whose needs are all placed; a round that finds
  // none means the rest sit on or behind a cycle.
  const level = new Map<string, number>();
  const order: string[] = [];
  const pending = [...graph.ids];
  for (;;) {
    const at = pending.findIndex((id) => needsOf(graph, id).every((n) => level.has(n)));
    if (at < 0) break;
    const [id] = pending.splice(at, 1) as [string];
    level.set(id, Math.max(-1, ...needsOf(graph, id).map((n) => level.get(n) ?? 0)) + 1);
    order.push(id);
  }

  const levels: string[][] = [];
  for (const id of graph.ids) {
    const l = level.get(id);
    if (l === undefined) continue;
    (levels[l] ??= []).push(id);
  }
  return { order, levels, errors };
}

/** The problems of `buildDag` alone, for callers that only validate. */
export function validateNeeds(jobs: readonly DagJob[]): DagError[] {
  return buildDag(jobs).errors;
}

/**
 * Every job `id` needs, directly or through other jobs, in run order (file order for jobs that are
 * on a cycle). Throws for an id that is not one of `jobs`: callers pass ids they got from the same list.
 */
export function transitiveNeeds(jobs: readonly DagJob[], id: string): string[] {
  const graph = resolve(jobs);
  const start = graph.ids.find((j) => j.toLowerCase() === id.toLowerCase());
  if (start === undefined) throw new RangeError(`no job '${id}' among: ${graph.ids.join(", ")}`);
  const found = new Set<string>();
  const walk = (from: string): void => {
    for (const next of needsOf(graph, from)) {
      if (found.has(next)) continue;
      found.add(next);
      walk(next);
    }
  };
  walk(start);
  found.delete(start);
  const { order } = buildDag(jobs);
  return [...order.filter((j) => found.has(j)), ...graph.ids.filter((j) => found.has(j) && !order.includes(j))];
}
