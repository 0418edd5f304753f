// Identical annotations from several jobs (a lint warning every matrix job prints) are one
// finding: the HTML report and the end-of-run summary show each once, naming the jobs.
import type { SummaryJob } from "./run-summary.js";

type SummaryAnnotation = SummaryJob["annotations"][number];

export interface AnnotationGroup extends SummaryAnnotation {
  /** Names of the jobs that reported it, in the run's job order, each once. */
  jobs: string[];
}

const LEVEL_ORDER: Record<string, number> = { error: 0, warning: 1, notice: 2 };

/** One group per distinct (level, file, line, message), ordered by file, line, then severity. */
export function groupAnnotations(jobs: readonly Pick<SummaryJob, "name" | "annotations">[]): AnnotationGroup[] {
  const groups = new Map<string, AnnotationGroup>();
  for (const job of jobs) {
    for (const a of job.annotations) {
      const key = JSON.stringify([a.level, a.file, a.line, a.message]);
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { ...a, jobs: [job.name] });
      else if (!group.jobs.includes(job.name)) group.jobs.push(job.name);
    }
  }
  return [...groups.values()].sort(
    (a, b) =>
      (a.file ?? "").localeCompare(b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (LEVEL_ORDER[a.level] ?? 3) - (LEVEL_ORDER[b.level] ?? 3) ||
      a.message.localeCompare(b.message),
  );
}

/** "lint", or "in 9 jobs: a, b, c, and 6 more" when the list is long. */
export function describeJobs(jobs: readonly string[], shown = 3): string {
  if (jobs.length === 1) return jobs[0] ?? "";
  const listed = jobs.slice(0, shown).join(", ");
  const rest = jobs.length - shown;
  return `in ${jobs.length} jobs: ${listed}${rest > 0 ? `, and ${rest} more` : ""}`;
}
