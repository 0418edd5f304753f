import { test } from "node:test";
import assert from "node:assert/strict";
import type { BranchTagPathFilters, Trigger } from "../workflow/model.js";
import { triggerFires, workflowFires, type EventFacts } from "./event-filter.js";

function on(event: string, filters: BranchTagPathFilters = {}, extra: Partial<Trigger> = {}): Trigger {
  return { event, filters, pos: { file: ".github/workflows/ci.yml", line: 3, col: 3 }, ...extra };
}

function fires(trigger: Trigger, event: EventFacts): string {
  const r = triggerFires(trigger, event);
  assert.ok(r.fired, `expected to fire, got: ${r.reason}`);
  return r.reason;
}

function holds(trigger: Trigger, event: EventFacts): string {
  const r = triggerFires(trigger, event);
  assert.ok(!r.fired, `expected not to fire, got: ${r.reason}`);
  return r.reason;
}

const pushMain: EventFacts = { name: "push", ref: "refs/heads/main", changedFiles: ["src/a.ts", "README.md"] };
const pushTag: EventFacts = { name: "push", ref: "refs/tags/v1.2.0", changedFiles: ["README.md"] };

test("push branch filters", () => {
  assert.equal(fires(on("push", { branches: ["main"] }), pushMain), "push to main matches branches [main]");
  assert.equal(fires(on("push"), pushMain), "push to main (no filters)");
  assert.equal(
    holds(on("push", { branchesIgnore: ["feature/**"] }), { name: "push", ref: "refs/heads/feature/x" }),
    "branch feature/x is in branches-ignore [feature/**]",
  );
  assert.equal(holds(on("push", { branches: ["main"] }), { name: "push", ref: "refs/heads/dev" }), "branch dev does not match branches [main]");
  assert.equal(
    holds(on("push", { branches: ["releases/**", "!releases/**-alpha"] }), { name: "push", ref: "refs/heads/releases/2-alpha" }),
    "branch releases/2-alpha is excluded by '!releases/**-alpha' in branches [releases/**, !releases/**-alpha]",
  );
  assert.match(fires(on("push", { branchesIgnore: ["feature/**"] }), pushMain), /push to main is not in branches-ignore/);
  assert.equal(fires(on("push", { branches: ["main"] }), { name: "push", ref: "main" }), "push to main matches branches [main]");
});

test("push: branch-only filters skip tags and tag-only filters skip branches", () => {
  assert.match(holds(on("push", { branches: ["main"] }), pushTag), /tag v1\.2\.0 does not fire: only branch filters are set/);
  assert.match(holds(on("push", { tags: ["v*"] }), pushMain), /push to main does not fire: only tag filters are set/);
  assert.equal(fires(on("push", { tags: ["v*"] }), pushTag), "push of tag v1.2.0 matches tags [v*]");
  assert.match(holds(on("push", { tagsIgnore: ["v1.*"] }), pushTag), /tag v1\.2\.0 is in tags-ignore \[v1\.\*\]/);
  assert.equal(fires(on("push"), pushTag), "push of tag v1.2.0 (no filters)");
  const both = on("push", { branches: ["main"], tags: ["v2*"] });
  fires(both, pushMain);
  holds(both, pushTag);
});

test("push: paths are not evaluated for tags", () => {
  const reason = fires(on("push", { paths: ["src/**"] }), pushTag);
  assert.match(reason, /path filters do not apply to tag pushes/);
  fires(on("push", { tags: ["v*"], paths: ["src/**"] }), pushTag);
});

test("push: paths and paths-ignore", () => {
  assert.equal(fires(on("push", { paths: ["src/**"] }), pushMain), "src/a.ts matches paths [src/**]");
  assert.equal(
    holds(on("push", { paths: ["src/**"] }), { name: "push", ref: "refs/heads/main", changedFiles: ["README.md"] }),
    "no changed file matches paths [src/**]",
  );
  assert.equal(
    holds(on("push", { pathsIgnore: ["**.md"] }), { name: "push", ref: "refs/heads/main", changedFiles: ["README.md", "docs/x.md"] }),
    "every changed file is in paths-ignore [**.md]",
  );
  assert.equal(fires(on("push", { pathsIgnore: ["**.md"] }), pushMain), "src/a.ts is not in paths-ignore [**.md]");
  assert.equal(fires(on("push", { branches: ["main"], paths: ["src/**"] }), pushMain), "push to main matches branches [main]; src/a.ts matches paths [src/**]");
  // Both filters must hold: a matching branch does not rescue a path miss.
  holds(on("push", { branches: ["main"], paths: ["lib/**"] }), pushMain);
  holds(on("push", { branches: ["dev"], paths: ["src/**"] }), pushMain);
  assert.match(fires(on("push", { paths: ["src/**"] }), { name: "push", ref: "refs/heads/main" }), /changed files are unknown/);
  assert.match(holds(on("push", { paths: ["src/**"] }), { name: "push", ref: "refs/heads/main", changedFiles: [] }), /no files changed/);
});

test("pull_request: types default to opened, synchronize, reopened", () => {
  const pr: EventFacts = { name: "pull_request", baseRef: "main", changedFiles: ["src/a.ts"] };
  assert.match(fires(on("pull_request"), pr), /'opened' is one of the default types/);
  fires(on("pull_request"), { ...pr, action: "synchronize" });
  assert.match(holds(on("pull_request"), { ...pr, action: "closed" }), /'closed' is not one of the default types/);
  assert.equal(
    holds(on("pull_request", { types: ["opened", "synchronize"] }), { ...pr, action: "closed" }),
    "pull_request action 'closed' not in types [opened, synchronize]",
  );
  fires(on("pull_request", { types: ["closed"] }), { ...pr, action: "closed" });
  holds(on("pull_request", { types: ["labeled"] }), pr);
});

test("pull_request and pull_request_target branch filters select the base branch", () => {
  for (const name of ["pull_request", "pull_request_target"]) {
    const pr: EventFacts = { name, ref: "refs/pull/1/merge", baseRef: "main", changedFiles: ["src/a.ts"] };
    assert.match(fires(on(name, { branches: ["main"] }), pr), new RegExp(`${name} into main matches branches \\[main\\]`));
    assert.equal(holds(on(name, { branches: ["release/*"] }), pr), "base branch main does not match branches [release/*]");
    assert.equal(holds(on(name, { branchesIgnore: ["main"] }), pr), "base branch main is in branches-ignore [main]");
    fires(on(name, { branches: ["main"] }), { ...pr, baseRef: "refs/heads/main" });
    holds(on(name, { paths: ["docs/**"] }), pr);
  }
  assert.match(fires(on("pull_request", { branches: ["main"] }), { name: "pull_request" }), /base branch is unknown/);
});

test("merge_group: checks_requested and base branch", () => {
  const mg: EventFacts = { name: "merge_group", baseRef: "refs/heads/main" };
  fires(on("merge_group"), mg);
  fires(on("merge_group", { types: ["checks_requested"], branches: ["main"] }), mg);
  holds(on("merge_group", { branches: ["dev"] }), mg);
  holds(on("merge_group"), { ...mg, action: "destroyed" });
});

test("schedule, workflow_dispatch and workflow_call fire on their name", () => {
  assert.equal(fires(on("schedule", {}, { crons: ["0 3 * * *"] }), { name: "schedule" }), "schedule (cron 0 3 * * *)");
  assert.equal(fires(on("workflow_dispatch"), { name: "workflow_dispatch", ref: "refs/heads/x" }), "manual run (workflow_dispatch)");
  fires(on("workflow_call"), { name: "workflow_call" });
  holds(on("schedule"), { name: "push" });
});

test("other events match on types", () => {
  fires(on("release", { types: ["published"] }), { name: "release", action: "published" });
  assert.equal(holds(on("release", { types: ["published"] }), { name: "release", action: "created" }), "release action 'created' not in types [published]");
  fires(on("issues"), { name: "issues", action: "opened" });
  assert.match(fires(on("release", { types: ["published"] }), { name: "release" }), /activity type is unknown/);
});

test("a malformed pattern reports instead of crashing", () => {
  assert.match(holds(on("push", { branches: ["[main"] }), pushMain), /invalid filter pattern '\[main'/);
});

test("workflowFires names the triggers when the event is not among them", () => {
  const triggers = [on("pull_request"), on("schedule", {}, { crons: ["0 0 * * 0"] })];
  assert.deepEqual(workflowFires(triggers, pushMain), {
    fired: false,
    reason: "not triggered by push (triggers: pull_request, schedule)",
  });
  assert.equal(workflowFires(triggers, { name: "schedule" }).fired, true);
  assert.equal(workflowFires([on("push", { branches: ["main"] })], pushMain).reason, "push to main matches branches [main]");
});
