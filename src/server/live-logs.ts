// Log lines of running jobs, passed to whoever follows them (the logs stream endpoint) as they
// arrive. Lines reach this hub after the run store has them, in the same order, so a follower
// reads the stored lines first and then skips that many live ones: nothing lost, nothing twice.

export interface LiveLine {
  /** The line's position in its job's log, counting from 0. */
  index: number;
  /** The step's index in the job, null for the job's own lines (as in the run store). */
  step: number | null;
  text: string;
}

export interface Follower {
  line(l: LiveLine): void;
  end(): void;
}

interface LiveJob {
  lines: number;
  followers: Set<Follower>;
}

export class LiveLogs {
  private readonly jobs = new Map<number, LiveJob>();

  jobStarted(jobRowId: number): void {
    this.jobs.set(jobRowId, { lines: 0, followers: new Set() });
  }

  append(jobRowId: number, text: string, step: number | null = null): void {
    const job = this.jobs.get(jobRowId);
    if (!job) return;
    const line = { index: job.lines++, step, text };
    for (const f of job.followers) f.line(line);
  }

  jobEnded(jobRowId: number): void {
    const job = this.jobs.get(jobRowId);
    if (!job) return;
    this.jobs.delete(jobRowId);
    for (const f of job.followers) f.end();
  }

  running(jobRowId: number): boolean {
    return this.jobs.has(jobRowId);
  }

  /** Follows a running job; undefined when it is not running (its log is complete in the store). */
  follow(jobRowId: number, follower: Follower): (() => void) | undefined {
    const job = this.jobs.get(jobRowId);
    if (!job) return undefined;
    job.followers.add(follower);
    return () => job.followers.delete(follower);
  }
}
