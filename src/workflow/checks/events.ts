// Rules for `on:` that the schema cannot express: filters that exclude each other, empty
// filter lists, and schedules that cannot run as written.
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { entries, get, items, keyNodeOf, resolve, toText } from "../yaml-tree.js";
import type { CheckContext } from "./context.js";

const RULE = "events";
const EXCLUSIVE: [string, string][] = [
  ["branches", "branches-ignore"],
  ["tags", "tags-ignore"],
  ["paths", "paths-ignore"],
];
const LIST_FILTERS = new Set(["branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore", "types", "workflows", "names", "versions"]);
/** GitHub starts scheduled runs at most this often. */
const MIN_SCHEDULE_MINUTES = 5;

export function checkEvents(ctx: CheckContext): void {
  const on = resolve(ctx.src, ctx.on);
  if (isScalar(on) || isSeq(on)) {
    for (const item of isSeq(on) ? items(ctx.src, on) : [on]) {
      if (toText(ctx.src, item) === "schedule") {
        ctx.error(
          item,
          RULE,
          "'schedule' is listed without any cron entry, so it never fires",
          "write it as a mapping: `on: { schedule: [ { cron: '30 5 * * 1-5' } ] }`",
        );
      }
    }
    return;
  }
  for (const event of entries(ctx.src, on)) {
    if (event.key === "schedule") checkSchedule(ctx, event.keyNode, event.value);
    else checkFilters(ctx, event.key, event.value);
  }
}

function checkFilters(ctx: CheckContext, event: string, node: Node | undefined): void {
  for (const [include, ignore] of EXCLUSIVE) {
    const a = keyNodeOf(ctx.src, node, include);
    const b = keyNodeOf(ctx.src, node, ignore);
    if (!a || !b) continue;
    const later = ctx.pos(a).line > ctx.pos(b).line ? a : b;
    ctx.error(
      later,
      RULE,
      `'${include}' and '${ignore}' cannot both be set for '${event}'; GitHub rejects the workflow`,
      `keep only '${include}' and exclude with '!' patterns, e.g. ${include}: ['**', '!unwanted']`,
    );
  }
  for (const e of entries(ctx.src, node)) {
    if (!LIST_FILTERS.has(e.key)) continue;
    const value = resolve(ctx.src, e.value);
    if (isSeq(value) && value.items.length === 0) {
      ctx.error(value, RULE, `'${e.key}' of '${event}' is an empty list`, `remove '${e.key}' to apply no filter, or list what it should match`);
    }
  }
}

function checkSchedule(ctx: CheckContext, keyNode: Node, node: Node | undefined): void {
  const list = resolve(ctx.src, node);
  if (!isSeq(list) || list.items.length === 0) {
    if (list === undefined || isSeq(list) || (isScalar(list) && list.value === null)) {
      ctx.error(
        isSeq(list) ? list : keyNode,
        RULE,
        "'schedule' has no cron entry, so it never fires",
        "add entries like `- cron: '30 5 * * 1-5'`, or remove 'schedule'",
      );
    }
    return;
  }
  for (const entry of items(ctx.src, list)) {
    if (!isMap(entry)) continue;
    const tzNode = get(ctx.src, entry, "timezone");
    const tz = toText(ctx.src, tzNode);
    if (tzNode && tz && !validTimeZone(tz)) {
      ctx.error(tzNode, RULE, `'${tz}' is not an IANA time zone name`, "use a name from the tz database, e.g. 'Europe/London' or 'America/New_York'");
    }
    const cronNode = get(ctx.src, entry, "cron");
    const cron = toText(ctx.src, cronNode);
    const gap = cron === undefined ? undefined : shortestGapMinutes(cron);
    if (cronNode && gap !== undefined && gap < MIN_SCHEDULE_MINUTES) {
      ctx.warn(
        cronNode,
        RULE,
        `'${cron}' asks for a run every ${gap} minute${gap === 1 ? "" : "s"}; GitHub runs scheduled workflows at most every ${MIN_SCHEDULE_MINUTES} minutes`,
        `use an interval of ${MIN_SCHEDULE_MINUTES} minutes or more, e.g. '*/${MIN_SCHEDULE_MINUTES} * * * *'`,
      );
    }
  }
}

function validTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The minutes of the hour a cron minute field selects, or undefined if it is not plain numbers. */
export function cronMinutes(field: string): number[] | undefined {
  const out = new Set<number>();
  for (const part of field.split(",")) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) return undefined;
    const from = m[1] === "*" ? 0 : Number(m[2]);
    const to = m[1] === "*" ? 59 : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? 59 : from;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    if (step === 0 || from > to || to > 59) return undefined;
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return [...out].sort((a, b) => a - b);
}

/** The shortest distance between two runs within an hour, when the expression runs more than once an hour. */
export function shortestGapMinutes(cron: string): number | undefined {
  const minutes = cronMinutes(cron.trim().split(/\s+/)[0] ?? "");
  if (!minutes || minutes.length < 2) return undefined;
  let gap = 60;
  for (let i = 1; i < minutes.length; i++) gap = Math.min(gap, (minutes[i] as number) - (minutes[i - 1] as number));
  return gap;
}
