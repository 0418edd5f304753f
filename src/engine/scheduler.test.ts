import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { buildPlan } from "../plan/plan.js";
import type { Plan } from "../plan/plan-types.js";
import { buildWorkflow } from "../workflow/build-model.js";
import type { Repository } from "../workflow/load.js";
import { DEFAULT_REPORT_GLOBS } from "../workflow/tier-defaults.js";
import { NO_REUSE } from "../workflow/reuse-policy.js";
import { parseYamlSource } from "../workflow/yaml-tree.js";
import {
  JobCancellation,
  runPlan,
  type ExecConclusion,
  type JobAttempt,
  type JobExecutor,
  type JobRecord,
  type RunOutcome,
  type SchedulerEvent,
  type SchedulerOptions,
} from "./scheduler.js";
import { LocalConcurrency } from "./concurrency.js";

/** A workflow file on push; every job gets runs-on and a step unless it says otherwise. JSON is YAML. */
function workflow(jobs: Record<string, Record<string, unknown>>, extra: Record<string, unknown> = {}): string {
  const full: Record<string, unknown> = {};
  for (const [id, job] of Object.entries(jobs)) {
    full[id] = "uses" in job ? job : { "runs-on": "ubuntu-latest", steps: [{ run: "true" }], ...job };
  }
  return JSON.stringify({ on: "push", ...extra, jobs: full });
}

interface TierSpec {
  name: string;
  budgetMs?: number;
  files: Record<string, string>;
}

/** A real Plan, made by the planner from workflow texts; `called` files are only reachable through `uses:`. */
function planOf(tiers: TierSpec[], called: Record<string, string> = {}): Plan {
  const toWorkflow = ([name, text]: [string, string]) => {
    const path = `.github/workflows/${name}`;
    return buildWorkflow(parseYamlSource(path, text), path);
  };
  const listed = tiers.flatMap((t) => Object.entries(t.files)).map(toWorkflow);
  const all = [...listed, ...Object.entries(called).map(toWorkflow)];
  const repo: Repository = {
    root: "/repo",
    workflows: listed,
    byPath: new Map(all.map((w) => [w.path, w])),
    tiers: tiers.map((t) => ({ name: t.name, budgetMs: t.budgetMs, workflows: Object.keys(t.files) })),
    reports: DEFAULT_REPORT_GLOBS,
    reuse: NO_REUSE,
    diagnostics: [],
  };
  const { plan, diagnostics } = buildPlan(repo, {
    name: "push",
    payload: {},
    facts: { name: "push", ref: "refs/heads/main" },
    sha: "0".repeat(40),
    ref: "refs/heads/main",
    actor: "tester",
    repository: "octo/repo",
    inputs: {},
    vars: {},
  });
  assert.deepEqual(diagnostics, []);
  return plan;
}

interface Behaviour {
  conclusion?: ExecConclusion;
  ms?: number;
  outputs?: Record<string, string>;
  /** Runs until its signal is aborted. */
  untilAborted?: boolean;
  throws?: string;
}

/** A job executor that follows a script by job key, and records what happened. */
class FakeJobs {
  running = 0;
  maxRunning = 0;
  readonly log: string[] = [];
  readonly attempts = new Map<string, JobAttempt>();
  readonly aborted: string[] = [];

  constructor(private readonly script: Record<string, Behaviour> = {}) {}

  readonly exec: JobExecutor = async (attempt) => {
    const key = attempt.job.key;
    const b = this.script[key] ?? {};
    this.attempts.set(key, attempt);
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    this.log.push(`start ${key}`);
    try {
      if (b.untilAborted) {
        await new Promise((resolve) => attempt.signal.addEventListener("abort", resolve, { once: true }));
        this.aborted.push(key);
        // As a runner would after its step was killed: the scheduler decides it was cancelled.
        return { conclusion: "failure", outputs: {} };
      }
      try {
        await delay(b.ms ?? 5, undefined, { signal: attempt.signal });
      } catch {
        this.aborted.push(key);
        return { conclusion: "failure", outputs: {} };
      }
      if (b.throws) throw new Error(b.throws);
      return { conclusion: b.conclusion ?? "success", outputs: b.outputs ?? {} };
    } finally {
      this.running -= 1;
      this.log.push(`end ${key}`);
    }
  };

  started(key: string): boolean {
    return this.log.includes(`start ${key}`);
  }
}

const OPTS: SchedulerOptions = { maxJobs: 4, gate: true, enforceBudgets: false };

function job(outcome: RunOutcome, key: string): JobRecord {
  const found = outcome.jobs.find((j) => j.key === key);
  assert.ok(found, `no record for ${key} among ${outcome.jobs.map((j) => j.key).join(", ")}`);
  return found;
}

function conclusions(outcome: RunOutcome): Record<string, string> {
  return Object.fromEntries(outcome.jobs.map((j) => [j.key, j.conclusion]));
}

describe("runPlan: tiers", () => {
  const tiers: TierSpec[] = [
    { name: "fast", files: { "lint.yml": workflow({ lint: {} }) } },
    { name: "core", files: { "test.yml": workflow({ unit: {} }) } },
  ];

  it("never starts a tier after one that failed, and reports its jobs skipped", async () => {
    const fake = new FakeJobs({ lint: { conclusion: "failure" } });
    const events: SchedulerEvent[] = [];
    const outcome = await runPlan(planOf(tiers), fake.exec, { ...OPTS, onEvent: (e) => events.push(e) });
    assert.equal(fake.started("unit"), false);
    assert.equal(outcome.conclusion, "failure");
    assert.deepEqual(
      outcome.tiers.map((t) => [t.name, t.status]),
      [
        ["fast", "failure"],
        ["core", "skipped"],
      ],
    );
    assert.equal(job(outcome, "unit").conclusion, "skipped");
    assert.equal(job(outcome, "unit").reason, 'tier "fast" failed');
    assert.deepEqual(
      events.map((e) => `${e.type} ${"job" in e ? e.job.key : typeof e.tier === "string" ? e.tier : e.tier.name}`),
      ["tier-start fast", "job-queued lint", "job-start lint", "job-end lint", "tier-end fast", "job-end unit", "tier-end core"],
    );
  });

  it("runs every tier at once without the gate", async () => {
    const fake = new FakeJobs({ lint: { conclusion: "failure", ms: 30 } });
    const outcome = await runPlan(planOf(tiers), fake.exec, { ...OPTS, gate: false });
    assert.ok(fake.log.indexOf("start unit") < fake.log.indexOf("end lint"), fake.log.join(", "));
    assert.deepEqual(
      outcome.tiers.map((t) => t.status),
      ["failure", "success"],
    );
    assert.equal(outcome.conclusion, "failure");
  });

  it("passes a tier whose jobs were skipped by their own condition", async () => {
    const plan = planOf([
      { name: "one", files: { "a.yml": workflow({ maybe: { if: "github.event_name == 'schedule'" } }) } },
      { name: "two", files: { "b.yml": workflow({ next: {} }) } },
    ]);
    const fake = new FakeJobs();
    const outcome = await runPlan(plan, fake.exec, OPTS);
    assert.deepEqual(conclusions(outcome), { maybe: "skipped", next: "success" });
    assert.equal(outcome.conclusion, "success");
  });

  it("warns when a tier is over its budget, and fails it when budgets are enforced", async () => {
    const budgeted: TierSpec[] = [
      { name: "fast", budgetMs: 1, files: { "lint.yml": workflow({ lint: {} }) } },
      { name: "core", files: { "test.yml": workflow({ unit: {} }) } },
    ];
    const warned: SchedulerEvent[] = [];
    const fake = new FakeJobs({ lint: { ms: 20 } });
    const relaxed = await runPlan(planOf(budgeted), fake.exec, { ...OPTS, onEvent: (e) => e.type === "budget-warning" && warned.push(e) });
    assert.equal(relaxed.conclusion, "success");
    assert.equal(warned.length, 1);
    assert.deepEqual(relaxed.tiers[0]?.budgetMs, 1);

    const enforced = await runPlan(planOf(budgeted), new FakeJobs({ lint: { ms: 20 } }).exec, { ...OPTS, enforceBudgets: true });
    assert.deepEqual(
      enforced.tiers.map((t) => t.status),
      ["failure", "skipped"],
    );
    assert.match(enforced.tiers[0]?.reason ?? "", /over its budget of 1 ms/);
  });

  it("measures tiers with the clock it is given", async () => {
    let clock = 1000;
    const fake = new FakeJobs();
    const outcome = await runPlan(planOf(tiers), fake.exec, { ...OPTS, now: () => (clock += 10) });
    assert.equal(outcome.tiers[0]?.startedAt, 1010);
    assert.ok((outcome.tiers[0]?.durationMs ?? 0) > 0);
  });
});

describe("runPlan: jobs inside a tier", () => {
  it("follows needs and never runs more than maxJobs at once", async () => {
    const plan = planOf([
      {
        name: "all",
        files: {
          "ci.yml": workflow({ a: {}, b: {}, c: {}, d: { needs: ["a", "b", "c"] } }),
          "other.yml": workflow({ e: {}, f: {} }),
        },
      },
    ]);
    const fake = new FakeJobs({ a: { ms: 20 }, b: { ms: 10 }, c: { ms: 15 } });
    const outcome = await runPlan(plan, fake.exec, { ...OPTS, maxJobs: 2 });
    assert.equal(fake.maxRunning, 2);
    const startD = fake.log.indexOf("start d");
    for (const need of ["a", "b", "c"]) assert.ok(fake.log.indexOf(`end ${need}`) < startD, fake.log.join(", "));
    assert.deepEqual(Object.keys(fake.attempts.get("d")?.needs ?? {}), ["a", "b", "c"]);
    assert.deepEqual(
      outcome.jobs.map((j) => j.key),
      ["a", "b", "c", "d", "e", "f"],
    );
  });

  it("skips what depends on a failure, and runs failure() and always() jobs", async () => {
    const plan = planOf([
      {
        name: "all",
        files: {
          "ci.yml": workflow({
            a: {},
            b: { needs: "a" },
            c: { needs: "b" },
            d: { needs: "a", if: "failure()" },
            e: { needs: "a", if: "always()" },
            f: { needs: "e" },
            g: { needs: "e", if: "needs.e.result == 'success'" },
          }),
        },
      },
    ]);
    const fake = new FakeJobs({ a: { conclusion: "failure" } });
    const outcome = await runPlan(plan, fake.exec, OPTS);
    assert.deepEqual(conclusions(outcome), {
      a: "failure",
      b: "skipped",
      c: "skipped",
      d: "success",
      e: "success",
      // success() looks at every job up the chain, so a failure further up still skips these.
      f: "skipped",
      g: "skipped",
    });
    assert.equal(fake.attempts.get("d")?.needs["a"]?.result, "failure");
    assert.match(job(outcome, "b").reason ?? "", /did not succeed: a/);
    assert.equal(outcome.conclusion, "failure");
  });

  it("treats a job skipped by its condition as not successful for the jobs after it", async () => {
    const plan = planOf([
      {
        name: "all",
        files: { "ci.yml": workflow({ a: { if: "false" }, b: { needs: "a", if: "always()" }, c: { needs: "b" }, d: { needs: "b", if: "!failure()" } }) },
      },
    ]);
    const outcome = await runPlan(plan, new FakeJobs().exec, OPTS);
    assert.deepEqual(conclusions(outcome), { a: "skipped", b: "success", c: "skipped", d: "success" });
    assert.equal(outcome.conclusion, "success");
  });

  it("fails a job whose condition cannot be evaluated, and one whose executor throws", async () => {
    const plan = planOf([{ name: "all", files: { "ci.yml": workflow({ a: { if: "fromJSON('{')" }, b: {} }) } }]);
    const outcome = await runPlan(plan, new FakeJobs({ b: { throws: "runner exploded" } }).exec, OPTS);
    assert.equal(job(outcome, "a").conclusion, "failure");
    assert.match(job(outcome, "a").reason ?? "", /error evaluating `if:` of job 'a'/);
    assert.equal(job(outcome, "b").conclusion, "failure");
    assert.equal(job(outcome, "b").reason, "runner exploded");
  });
});

describe("runPlan: matrices", () => {
  const matrixJob = (strategy: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    planOf([{ name: "all", files: { "ci.yml": workflow({ t: { strategy: { matrix: { n: [1, 2, 3] }, ...strategy }, ...extra }, after: { needs: "t" } }) } }]);

  it("fail-fast cancels a running sibling and a queued one", async () => {
    const fake = new FakeJobs({ "t (1)": { conclusion: "failure", ms: 20 }, "t (2)": { untilAborted: true } });
    const outcome = await runPlan(matrixJob({}), fake.exec, { ...OPTS, maxJobs: 2 });
    assert.deepEqual(fake.aborted, ["t (2)"]);
    assert.equal(fake.started("t (3)"), false);
    assert.deepEqual(conclusions(outcome), { "t (1)": "failure", "t (2)": "cancelled", "t (3)": "cancelled", after: "skipped" });
    assert.match(job(outcome, "t (2)").reason ?? "", /cancelled because "t \(1\)" failed/);
    const reason: unknown = fake.attempts.get("t (2)")?.signal.reason;
    assert.ok(reason instanceof JobCancellation && reason.kind === "fail-fast");
  });

  it("lets siblings finish with fail-fast false", async () => {
    const fake = new FakeJobs({ "t (1)": { conclusion: "failure" } });
    const outcome = await runPlan(matrixJob({ "fail-fast": false }), fake.exec, { ...OPTS, maxJobs: 1 });
    assert.deepEqual(conclusions(outcome), { "t (1)": "failure", "t (2)": "success", "t (3)": "success", after: "skipped" });
    assert.deepEqual(fake.aborted, []);
  });

  it("runs the instances one at a time with max-parallel 1", async () => {
    const fake = new FakeJobs();
    await runPlan(matrixJob({ "max-parallel": 1 }), fake.exec, { ...OPTS, maxJobs: 8 });
    assert.equal(fake.maxRunning, 1);
    assert.deepEqual(fake.log.slice(0, 6), ["start t (1)", "end t (1)", "start t (2)", "end t (2)", "start t (3)", "end t (3)"]);
    assert.deepEqual(fake.attempts.get("t (2)")?.strategy, { "fail-fast": true, "job-index": 1, "job-total": 3, "max-parallel": 1 });
  });

  it("expands a deferred matrix from the outputs of the jobs it needs", async () => {
    const plan = planOf([
      {
        name: "all",
        files: {
          "ci.yml": workflow({
            prepare: {},
            whole: { needs: "prepare", strategy: { matrix: "${{ fromJSON(needs.prepare.outputs.matrix) }}" } },
            keyed: { needs: "prepare", name: "keyed ${{ matrix.os }}", strategy: { matrix: { os: "${{ fromJSON(needs.prepare.outputs.list) }}" } } },
          }),
        },
      },
    ]);
    assert.ok(plan.tiers[0]?.workflows[0]?.jobs.find((j) => j.id === "whole")?.deferred);
    const fake = new FakeJobs({ prepare: { outputs: { matrix: '{"package": ["a", "b"]}', list: '["linux", "mac"]' } } });
    const outcome = await runPlan(plan, fake.exec, OPTS);
    assert.deepEqual(
      outcome.jobs.map((j) => [j.key, j.name, j.conclusion]),
      [
        ["prepare", "prepare", "success"],
        ["whole (a)", "whole (a)", "success"],
        ["whole (b)", "whole (b)", "success"],
        ["keyed (linux)", "keyed linux", "success"],
        ["keyed (mac)", "keyed mac", "success"],
      ],
    );
    assert.deepEqual(fake.attempts.get("whole (b)")?.job.matrix, { package: "b" });
    assert.equal(fake.attempts.get("whole (b)")?.strategy["job-total"], 2);
  });

  it("fails a deferred matrix that does not evaluate to a mapping", async () => {
    const plan = planOf([
      { name: "all", files: { "ci.yml": workflow({ prepare: {}, m: { needs: "prepare", strategy: { matrix: "${{ needs.prepare.outputs.none }}" } } }) } },
    ]);
    const outcome = await runPlan(plan, new FakeJobs().exec, OPTS);
    assert.equal(job(outcome, "m").conclusion, "failure");
    assert.match(job(outcome, "m").reason ?? "", /matrix must be a mapping/);
  });
});

describe("runPlan: continue-on-error, timeouts, cancellation", () => {
  it("continue-on-error: the job shows failed, its dependents, tier and run see success", async () => {
    const plan = planOf([
      {
        name: "all",
        files: {
          "ci.yml": workflow({
            flaky: { "continue-on-error": true },
            next: { needs: "flaky" },
            m: {
              strategy: { matrix: { v: [1, 2], include: [{ v: 2, experimental: true }] } },
              "continue-on-error": "${{ matrix.experimental == true }}",
            },
          }),
        },
      },
    ]);
    const fake = new FakeJobs({ flaky: { conclusion: "failure" }, "m (2, true)": { conclusion: "failure" }, "m (1)": { ms: 30 } });
    const outcome = await runPlan(plan, fake.exec, OPTS);
    assert.deepEqual(conclusions(outcome), { flaky: "failure", next: "success", "m (1)": "success", "m (2, true)": "failure" });
    assert.equal(job(outcome, "flaky").continuedOnError, true);
    assert.equal(fake.attempts.get("next")?.needs["flaky"]?.result, "success");
    assert.deepEqual(fake.aborted, [], "an allowed failure does not trigger fail-fast");
    assert.equal(outcome.conclusion, "success");
  });

  it("job and step level coerce alike: a text continue-on-error or timeout is refused, naming the job", async () => {
    const plan = planOf([
      {
        name: "all",
        files: {
          "ci.yml": workflow({
            texty: { "continue-on-error": "${{ 'true' }}" },
            slowtext: { "timeout-minutes": "${{ '5' }}" },
            fine: { "continue-on-error": "${{ 1 == 1 }}", "timeout-minutes": "${{ 0 }}" },
          }),
        },
      },
    ]);
    const fake = new FakeJobs({ fine: { conclusion: "failure" } });
    const outcome = await runPlan(plan, fake.exec, OPTS);
    assert.equal(job(outcome, "texty").conclusion, "failure");
    assert.match(job(outcome, "texty").reason ?? "", /job 'texty': continue-on-error must be true or false, got the string 'true'/);
    assert.match(job(outcome, "slowtext").reason ?? "", /job 'slowtext': timeout-minutes must be a number, got the string '5'/);
    assert.equal(job(outcome, "fine").continuedOnError, true, "0 minutes means the default timeout, as on GitHub");
  });

  it("concurrency: a second workflow of the group waits; with cancel-in-progress it cancels the running one", async () => {
    const two = (cancel: boolean) =>
      planOf([
        {
          name: "all",
          files: {
            "a.yml": workflow({ first: {} }, { concurrency: { group: "deploy-${{ github.ref }}" } }),
            "b.yml": workflow({ second: {} }, { concurrency: { group: "deploy-${{ github.ref }}", "cancel-in-progress": cancel } }),
          },
        },
      ]);
    const waits = new FakeJobs({ first: { ms: 40 } });
    const queued = await runPlan(two(false), waits.exec, { ...OPTS, concurrency: new LocalConcurrency() });
    assert.deepEqual(conclusions(queued), { first: "success", second: "success" });
    assert.equal(waits.maxRunning, 1, "the group ran one workflow at a time");

    const cancels = new FakeJobs({ first: { untilAborted: true } });
    const cancelled = await runPlan(two(true), cancels.exec, { ...OPTS, concurrency: new LocalConcurrency() });
    assert.equal(job(cancelled, "first").conclusion, "cancelled");
    assert.equal(job(cancelled, "first").reason, "Canceling since a higher priority waiting request for 'deploy-refs/heads/main' exists");
    assert.equal(job(cancelled, "second").conclusion, "success");
  });

  it("concurrency at job level: of three matrix instances in one group, the one left waiting is replaced, as on GitHub", async () => {
    const plan = planOf([{ name: "all", files: { "m.yml": workflow({ m: { strategy: { matrix: { n: [1, 2, 3] } }, concurrency: "one-at-a-time" } }) } }]);
    const fake = new FakeJobs({ "m (1)": { ms: 30 }, "m (2)": { ms: 30 }, "m (3)": { ms: 30 } });
    const outcome = await runPlan(plan, fake.exec, { ...OPTS, concurrency: new LocalConcurrency() });
    assert.deepEqual(Object.values(conclusions(outcome)).sort(), ["cancelled", "success", "success"]);
    assert.equal(fake.maxRunning, 1);
  });

  it("cancels a job that exceeds timeout-minutes", async () => {
    const plan = planOf([
      {
        name: "all",
        files: {
          "ci.yml": workflow({ slow: { "timeout-minutes": 0.001 }, onfail: { needs: "slow", if: "failure()" }, any: { needs: "slow", if: "always()" } }),
        },
      },
    ]);
    const fake = new FakeJobs({ slow: { untilAborted: true } });
    const outcome = await runPlan(plan, fake.exec, OPTS);
    assert.equal(job(outcome, "slow").conclusion, "cancelled");
    assert.match(job(outcome, "slow").reason ?? "", /exceeded the maximum execution time of 0\.001 minutes/);
    assert.deepEqual(conclusions(outcome), { slow: "cancelled", onfail: "skipped", any: "success" });
    assert.equal(outcome.conclusion, "cancelled");
  });

  it("Ctrl-C aborts running jobs but lets always() jobs go on and start", async () => {
    const plan = planOf([
      {
        name: "first",
        files: {
          "ci.yml": workflow({
            long: {},
            keep: { if: "always()" },
            notcancelled: { if: "${{ !cancelled() }}" },
            after: { needs: "long" },
            cleanup: { needs: "long", if: "always()" },
            oncancel: { needs: "long", if: "cancelled()" },
          }),
        },
      },
      { name: "second", files: { "more.yml": workflow({ later: {} }) } },
    ]);
    const fake = new FakeJobs({ long: { untilAborted: true }, notcancelled: { untilAborted: true }, keep: { ms: 80 } });
    const ctrlC = new AbortController();
    const running = runPlan(plan, fake.exec, { ...OPTS, signal: ctrlC.signal });
    await delay(20);
    ctrlC.abort();
    const outcome = await running;
    assert.deepEqual(fake.aborted.sort(), ["long", "notcancelled"]);
    const keep = fake.attempts.get("keep");
    assert.equal(keep?.signal.aborted, false);
    assert.equal(keep?.runCancelled.aborted, true);
    assert.deepEqual(conclusions(outcome), {
      long: "cancelled",
      keep: "success",
      notcancelled: "cancelled",
      after: "cancelled",
      cleanup: "success",
      oncancel: "success",
      later: "skipped",
    });
    assert.equal(outcome.conclusion, "cancelled");
    assert.deepEqual(
      outcome.tiers.map((t) => t.status),
      ["cancelled", "skipped"],
    );
  });
});

describe("runPlan: reusable workflows", () => {
  const called = workflow(
    { inner: {}, second: { needs: "inner" } },
    { on: { workflow_call: { inputs: { who: { type: "string", required: true } }, outputs: { greeting: { value: "${{ jobs.inner.outputs.greeting }}" } } } } },
  );
  const plan = () =>
    planOf(
      [
        {
          name: "all",
          files: {
            "caller.yml": workflow({
              call: { uses: "./.github/workflows/called.yml", with: { who: "octocat" } },
              after: { needs: "call" },
            }),
          },
        },
      ],
      { "called.yml": called },
    );

  it("runs the called workflow's jobs inside the caller and passes its outputs on", async () => {
    const fake = new FakeJobs({ inner: { outputs: { greeting: "hi" } } });
    const outcome = await runPlan(plan(), fake.exec, OPTS);
    assert.deepEqual(
      outcome.jobs.map((j) => [j.workflow, j.key, j.callers, j.conclusion]),
      [
        [".github/workflows/caller.yml", "call", [], "success"],
        [".github/workflows/called.yml", "inner", [".github/workflows/caller.yml#call"], "success"],
        [".github/workflows/called.yml", "second", [".github/workflows/caller.yml#call"], "success"],
        [".github/workflows/caller.yml", "after", [], "success"],
      ],
    );
    const inner = fake.attempts.get("inner");
    assert.equal(inner?.callers[0]?.id, "call");
    assert.deepEqual(inner?.workflow.inputs, { who: "octocat" });
    assert.deepEqual(job(outcome, "call").outputs, { greeting: "hi" });
    assert.deepEqual(fake.attempts.get("after")?.needs["call"], { result: "success", outputs: { greeting: "hi" } });
  });

  it("fails the caller when a called job fails", async () => {
    const fake = new FakeJobs({ inner: { conclusion: "failure" } });
    const outcome = await runPlan(plan(), fake.exec, OPTS);
    assert.deepEqual(
      outcome.jobs.map((j) => [j.key, j.conclusion]),
      [
        ["call", "failure"],
        ["inner", "failure"],
        ["second", "skipped"],
        ["after", "skipped"],
      ],
    );
  });
});

describe("runPlan: options", () => {
  it("refuses a pool without room for a job", () => {
    assert.throws(() => runPlan(planOf([]), new FakeJobs().exec, { ...OPTS, maxJobs: 0 }), /maxJobs/);
  });
});
