// `on.schedule` of each repository's default branch, in UTC: every matching minute fires once,
// also across restarts and replicas (the server's records claim each minute), and minutes the
// server was down for are not back-filled. The workflows are read again whenever the default
// branch has moved.
import { Cron } from "croner";
import { buildWorkflow } from "../workflow/build-model.js";
import { parseYamlSource } from "../workflow/yaml-tree.js";
import type { RepoConfig } from "./config.js";
import type { GitMirror } from "./git-mirror.js";
import { runGit } from "./git-process.js";
import type { Logger, RunQueue } from "./run-queue.js";
import type { ServerDb } from "./server-db.js";

interface Entry {
  workflow: string;
  cron: string;
  pattern: Cron;
}

interface Read {
  sha: string;
  branch: string;
  entries: Entry[];
}

export interface SchedulesSetup {
  db: ServerDb;
  repos: readonly RepoConfig[];
  queue: RunQueue;
  log: Logger;
}

const MINUTE = 60_000;

export class Schedules {
  private readonly read = new Map<string, Read>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();

  constructor(private readonly s: SchedulesSetup) {}

  /** Checks the current minute now, then at the start of every minute. */
  start(): void {
    const loop = (): void => {
      this.ticking = this.tick(Date.now());
      this.timer = setTimeout(loop, MINUTE - (Date.now() % MINUTE) + 50);
    };
    loop();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.ticking;
  }

  async tick(now: number): Promise<void> {
    const minute = Math.floor(now / MINUTE);
    const at = new Date(minute * MINUTE);
    for (const repo of this.s.repos) {
      const read = await this.workflows(repo);
      for (const e of read?.entries ?? []) {
        if (!e.pattern.match(at) || !this.s.db.claimScheduleFire(repo.name, e.workflow, e.cron, minute)) continue;
        const run = this.s.db.queueRun(
          {
            repo: repo.name,
            event: "schedule",
            ref: `refs/heads/${read?.branch ?? "main"}`,
            request: { kind: "schedule", workflow: e.workflow, cron: e.cron, branch: read?.branch ?? "main" },
          },
          now,
        );
        this.s.log.info({ run: run.id, workflow: e.workflow, cron: e.cron }, `schedule '${e.cron}' of ${repo.name} ${e.workflow} fired`);
        this.s.queue.submit(run);
      }
    }
  }

  /** The schedules of the default branch's tip; the last ones read when the repository cannot be reached. */
  private async workflows(repo: RepoConfig): Promise<Read | undefined> {
    const mirror = this.s.queue.mirror(repo);
    const last = this.read.get(repo.name);
    try {
      const branch = await mirror.defaultBranch();
      await mirror.fetch();
      const sha = await mirror.resolve(`refs/heads/${branch}`);
      if (sha === undefined) return last;
      if (last?.sha === sha) return last;
      const fresh = { sha, branch, entries: await this.entriesAt(mirror, sha, repo.name) };
      this.read.set(repo.name, fresh);
      return fresh;
    } catch (err) {
      this.s.log.error(
        { repo: repo.name, err: err instanceof Error ? err.message : String(err) },
        `cannot read the schedules of ${repo.name}; using the last ones read`,
      );
      return last;
    }
  }

  private async entriesAt(mirror: GitMirror, sha: string, repo: string): Promise<Entry[]> {
    const listed = await runGit(["ls-tree", "--name-only", "-z", `${sha}:.github/workflows`], { cwd: mirror.dir });
    if (listed.code !== 0) return [];
    const entries: Entry[] = [];
    for (const file of listed.stdout.split("\0").filter((f) => /\.ya?ml$/.test(f))) {
      const path = `.github/workflows/${file}`;
      const text = await mirror.readFile(sha, path);
      if (text === undefined) continue;
      for (const trigger of buildWorkflow(parseYamlSource(path, text), path).triggers) {
        for (const cron of trigger.event === "schedule" ? (trigger.crons ?? []) : []) {
          try {
            entries.push({ workflow: file, cron, pattern: new Cron(cron, { timezone: "UTC", paused: true }) });
          } catch (err) {
            this.s.log.error(
              { repo, workflow: file, cron },
              `${path}: the schedule '${cron}' is not a valid cron expression: ${err instanceof Error ? err.message : String(err)}`,
            );
          }
        }
      }
    }
    return entries;
  }
}
