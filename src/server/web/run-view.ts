// How a run is shown in lists: its state, what started it, its branch and commit, and its tiers
// as segments that say how much of their budget they used.
import type { ServerRun } from "../server-db.js";
import { html, type Html } from "./html.js";
import { badge, formatMs, stateOf } from "./layout.js";

interface SummaryTier {
  name: string;
  status: string;
  duration_ms: number;
  budget_ms: number | null;
}

export function branchOf(ref: string | null): string {
  if (ref === null) return "";
  return ref.replace(/^refs\/(heads|tags)\//, "");
}

/** Who or what started the run, in a few words. */
export function triggerOf(run: ServerRun): string {
  const r = run.request;
  switch (r.kind) {
    case "webhook": {
      const login = (r.payload["sender"] as { login?: unknown } | undefined)?.login;
      return typeof login === "string" ? `${r.event} by ${login}` : r.event;
    }
    case "dispatch":
      return `dispatched by ${r.actor}`;
    case "schedule":
      return `schedule ${r.cron}`;
    case "rerun":
      return `${r.failedOnly ? "failed jobs re-run" : "re-run"} by ${r.actor}`;
  }
}

/** The workflow files a run ran, by file name. */
export function workflowNames(run: ServerRun): string {
  return run.workflowFiles.map((f) => f.slice(f.lastIndexOf("/") + 1)).join(", ");
}

export function durationOf(run: ServerRun, now = Date.now()): number | null {
  return run.startedAt === null ? null : (run.finishedAt ?? now) - run.startedAt;
}

export function tiersOf(run: ServerRun): SummaryTier[] {
  const tiers = (run.summary as { tiers?: SummaryTier[] } | null)?.tiers;
  return Array.isArray(tiers) ? tiers : [];
}

export function tierSegments(run: ServerRun): Html {
  const tiers = tiersOf(run);
  if (tiers.length === 0) return html`<span class="muted">${run.status === "completed" ? "no tiers ran" : "not finished"}</span>`;
  return html`<ul class="tiers" aria-label="Tiers">
    ${tiers.map((t) => {
      const used = t.budget_ms ? t.duration_ms / t.budget_ms : null;
      const budget = used === null ? formatMs(t.duration_ms) : `${Math.round(used * 100)}% of ${formatMs(t.budget_ms)}`;
      const over = used !== null && used > 1;
      return html`<li class="${t.status}${over ? " over" : ""}" title="${t.name}: ${t.status}, ${formatMs(t.duration_ms)}${over ? ", over budget" : ""}">
        ${badge(t.status)} ${t.name}<br /><span class="muted">${budget}${over ? " ⚠" : ""}</span>
      </li>`;
    })}
  </ul>`;
}

export function runRow(run: ServerRun): Html {
  const state = stateOf(run.status, run.conclusion);
  return html`<tr data-id="${run.id}" data-state="${state}">
    <td>${badge(state)}</td>
    <td>
      <a href="/runs/${run.id}">${run.repo} #${run.number}</a>
      <div class="muted">${workflowNames(run) || run.event}</div>
    </td>
    <td>
      <span class="mono">${branchOf(run.ref)}</span>
      <div class="muted mono">${(run.sha ?? "").slice(0, 10)}</div>
    </td>
    <td>${triggerOf(run)}</td>
    <td>${tierSegments(run)}</td>
    <td class="num">${formatMs(durationOf(run))}</td>
  </tr>`;
}
