// Whether a workflow's `on:` fires for an event, with GitHub's rules for each event kind and
// a sentence saying why, because `tierci plan` shows it to people wondering why a workflow
// did or did not run.
import type { BranchTagPathFilters, Trigger } from "../workflow/model.js";
import { FilterPatternError, matchesIncludeIgnore, matchesPathFilters } from "../glob/filter-pattern.js";

/** What the filters need to know about an event. */
export interface EventFacts {
  /** The event name: push, pull_request, schedule, ... */
  name: string;
  /** `refs/heads/<branch>` or `refs/tags/<tag>`; a bare name is taken as a branch. */
  ref?: string;
  /** pull_request, pull_request_target, merge_group: the target branch (`main` or `refs/heads/main`). */
  baseRef?: string;
  /** The activity type; see DEFAULT_ACTION for what an absent one means. */
  action?: string;
  /** Paths relative to the repository root; undefined when unknown, which lets path filters pass. */
  changedFiles?: string[];
}

export interface FireResult {
  fired: boolean;
  reason: string;
}

/** Activity types an event fires for when the workflow lists no `types`. Absent: all types. */
export const DEFAULT_TYPES: Readonly<Record<string, readonly string[]>> = {
  pull_request: ["opened", "synchronize", "reopened"],
  pull_request_target: ["opened", "synchronize", "reopened"],
  merge_group: ["checks_requested"],
};

/** The activity type assumed when the facts carry none: the first run a pull request gets. */
export const DEFAULT_ACTION: Readonly<Record<string, string>> = {
  pull_request: "opened",
  pull_request_target: "opened",
  merge_group: "checks_requested",
};

const BASE_BRANCH_EVENTS = new Set(["pull_request", "pull_request_target", "merge_group"]);

function list(patterns: readonly string[]): string {
  return `[${patterns.join(", ")}]`;
}

function stripPrefix(value: string, prefix: string): string {
  return value.startsWith(prefix) ? value.slice(prefix.length) : value;
}

interface Clause {
  ok: boolean;
  text: string;
}

/** A branch or tag against its include/ignore pair, phrased for `subject` (e.g. "push to main"). */
function refClause(
  kind: "branch" | "tag",
  name: string,
  subject: string,
  include: readonly string[] | undefined,
  ignore: readonly string[] | undefined,
): Clause {
  const incName = kind === "branch" ? "branches" : "tags";
  const ignName = `${incName}-ignore`;
  const r = matchesIncludeIgnore(name, include, ignore);
  const what = `${kind} ${name}`;
  if (r.decidedBy === "include") {
    const inc = list(include ?? []);
    if (r.included) return { ok: true, text: `${subject} matches ${incName} ${inc}` };
    if (r.pattern !== undefined) return { ok: false, text: `${what} is excluded by '${r.pattern}' in ${incName} ${inc}` };
    return { ok: false, text: `${what} does not match ${incName} ${inc}` };
  }
  const ign = list(ignore ?? []);
  if (!r.included) return { ok: false, text: `${what} is in ${ignName} ${ign}` };
  if (r.pattern !== undefined) return { ok: true, text: `${subject} is kept by '${r.pattern}' in ${ignName} ${ign}` };
  return { ok: true, text: `${subject} is not in ${ignName} ${ign}` };
}

function pathsClause(filters: BranchTagPathFilters, changed: readonly string[] | undefined): Clause | undefined {
  const { paths, pathsIgnore } = filters;
  if (paths === undefined && pathsIgnore === undefined) return undefined;
  const named = [paths && `paths ${list(paths)}`, pathsIgnore && `paths-ignore ${list(pathsIgnore)}`].filter(Boolean).join(" and ");
  if (changed === undefined) return { ok: true, text: `changed files are unknown, so ${named} were not checked` };
  const r = matchesPathFilters(changed, paths, pathsIgnore);
  if (r.fired) {
    if (r.file === undefined) return { ok: true, text: `no files changed, so nothing is held back by ${named}` };
    if (paths === undefined) return { ok: true, text: `${r.file} is not in ${named}` };
    const outside = pathsIgnore === undefined ? "" : ` outside paths-ignore ${list(pathsIgnore)}`;
    return { ok: true, text: `${r.file} matches paths ${list(paths)}${outside}` };
  }
  if (changed.length === 0) return { ok: false, text: `no files changed, so nothing matches ${named}` };
  if (paths === undefined) return { ok: false, text: `every changed file is in ${named}` };
  const outside = pathsIgnore === undefined ? "" : ` outside paths-ignore ${list(pathsIgnore)}`;
  return { ok: false, text: `no changed file matches paths ${list(paths)}${outside}` };
}

/** The activity type against `types` (or the event's default types). */
function typesClause(trigger: Trigger, event: EventFacts): Clause | undefined {
  const types = trigger.filters.types;
  const defaults = DEFAULT_TYPES[event.name];
  const action = event.action ?? DEFAULT_ACTION[event.name];
  if (types === undefined && defaults === undefined) return undefined;
  if (action === undefined) {
    return { ok: true, text: `the activity type is unknown, so types ${list(types ?? [])} were not checked` };
  }
  if (types !== undefined) {
    return types.includes(action)
      ? { ok: true, text: `${event.name} action '${action}' is in types ${list(types)}` }
      : { ok: false, text: `${event.name} action '${action}' not in types ${list(types)}` };
  }
  const defaultTypes = defaults ?? [];
  return defaultTypes.includes(action)
    ? { ok: true, text: `${event.name} action '${action}' is one of the default types ${list(defaultTypes)}` }
    : { ok: false, text: `${event.name} action '${action}' is not one of the default types ${list(defaultTypes)} (set types to include it)` };
}

function conclude(clauses: readonly (Clause | undefined)[], fallback: string): FireResult {
  const present = clauses.filter((c): c is Clause => c !== undefined);
  const failed = present.find((c) => !c.ok);
  if (failed !== undefined) return { fired: false, reason: failed.text };
  return { fired: true, reason: present.length === 0 ? fallback : present.map((c) => c.text).join("; ") };
}

function refFilterNames(f: BranchTagPathFilters, kind: "branches" | "tags"): string {
  const [include, ignore] = kind === "branches" ? [f.branches, f.branchesIgnore] : [f.tags, f.tagsIgnore];
  return [include && `${kind} ${list(include)}`, ignore && `${kind}-ignore ${list(ignore)}`].filter(Boolean).join(", ");
}

function pushFires(trigger: Trigger, event: EventFacts): FireResult {
  const f = trigger.filters;
  const hasBranch = f.branches !== undefined || f.branchesIgnore !== undefined;
  const hasTag = f.tags !== undefined || f.tagsIgnore !== undefined;
  if (event.ref === undefined) {
    const refNote: Clause | undefined =
      hasBranch || hasTag ? { ok: true, text: "the pushed ref is unknown, so branch and tag filters were not checked" } : undefined;
    return conclude([refNote, pathsClause(f, event.changedFiles)], "push (no filters)");
  }
  if (event.ref.startsWith("refs/tags/")) {
    const tag = event.ref.slice("refs/tags/".length);
    if (!hasTag && hasBranch) {
      return { fired: false, reason: `push of tag ${tag} does not fire: only branch filters are set (${refFilterNames(f, "branches")})` };
    }
    const tagClause = hasTag ? refClause("tag", tag, `push of tag ${tag}`, f.tags, f.tagsIgnore) : undefined;
    // GitHub does not evaluate path filters for tag pushes.
    const pathNote: Clause | undefined =
      f.paths !== undefined || f.pathsIgnore !== undefined ? { ok: true, text: "path filters do not apply to tag pushes" } : undefined;
    return conclude([tagClause, pathNote], `push of tag ${tag} (no filters)`);
  }
  const branch = stripPrefix(event.ref, "refs/heads/");
  if (!hasBranch && hasTag) {
    return { fired: false, reason: `push to ${branch} does not fire: only tag filters are set (${refFilterNames(f, "tags")})` };
  }
  const branchClause = hasBranch ? refClause("branch", branch, `push to ${branch}`, f.branches, f.branchesIgnore) : undefined;
  return conclude([branchClause, pathsClause(f, event.changedFiles)], `push to ${branch} (no filters)`);
}

/** pull_request, pull_request_target and merge_group: branch filters select the base branch. */
function baseBranchFires(trigger: Trigger, event: EventFacts): FireResult {
  const f = trigger.filters;
  const types = typesClause(trigger, event);
  let branchClause: Clause | undefined;
  const subject = event.baseRef === undefined ? event.name : `${event.name} into ${stripPrefix(event.baseRef, "refs/heads/")}`;
  if (f.branches !== undefined || f.branchesIgnore !== undefined) {
    branchClause =
      event.baseRef === undefined
        ? { ok: true, text: "the base branch is unknown, so branch filters were not checked" }
        : refClause("branch", stripPrefix(event.baseRef, "refs/heads/"), subject, f.branches, f.branchesIgnore);
    if (!branchClause.ok) branchClause = { ok: false, text: `base ${branchClause.text}` };
  }
  return conclude([types, branchClause, pathsClause(f, event.changedFiles)], `${subject} (no filters)`);
}

/** Whether one `on:` entry fires for the event. */
export function triggerFires(trigger: Trigger, event: EventFacts): FireResult {
  if (trigger.event !== event.name) {
    return { fired: false, reason: `not triggered by ${event.name} (trigger is ${trigger.event})` };
  }
  try {
    if (event.name === "push") return pushFires(trigger, event);
    if (BASE_BRANCH_EVENTS.has(event.name)) return baseBranchFires(trigger, event);
    if (event.name === "schedule") {
      const crons = trigger.crons ?? [];
      return { fired: true, reason: crons.length > 0 ? `schedule (cron ${crons.join(", ")})` : "schedule" };
    }
    if (event.name === "workflow_dispatch") return { fired: true, reason: "manual run (workflow_dispatch)" };
    if (event.name === "workflow_call") return { fired: true, reason: "called by another workflow (workflow_call)" };
    return conclude([typesClause(trigger, event)], `${event.name} (no filters)`);
  } catch (err) {
    if (err instanceof FilterPatternError) return { fired: false, reason: err.message };
    throw err;
  }
}

/** Whether a workflow fires: its `on:` must name the event, and that entry's filters must pass. */
export function workflowFires(triggers: readonly Trigger[], event: EventFacts): FireResult {
  const trigger = triggers.find((t) => t.event === event.name);
  if (trigger === undefined) {
    const names = triggers.map((t) => t.event);
    return { fired: false, reason: `not triggered by ${event.name} (triggers: ${names.length > 0 ? names.join(", ") : "none"})` };
  }
  return triggerFires(trigger, event);
}
