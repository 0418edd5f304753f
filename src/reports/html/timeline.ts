// The run as a timeline: a lane per tier with its budget marked, and a bar per job.
import type { RunSummary } from "../run-summary.js";
import { esc } from "./escape.js";

const WIDTH = 960;
const LABEL = 170;
const ROW = 18;
const TIER_GAP = 14;

function fmt(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 90) return `${s.toFixed(1)} s`;
  const rest = Math.round(s % 60);
  return rest ? `${Math.floor(s / 60)} min ${rest} s` : `${Math.floor(s / 60)} min`;
}

export function timelineSvg(summary: RunSummary): string {
  const starts = [...summary.tiers.map((t) => t.started_at), ...summary.jobs.map((j) => j.started_at)]
    .filter((x): x is string => x !== null)
    .map((x) => Date.parse(x));
  const t0 = starts.length ? starts.reduce((a, b) => Math.min(a, b)) : 0;
  let end = t0 + 1;
  for (const t of summary.tiers) if (t.started_at) end = Math.max(end, Date.parse(t.started_at) + t.duration_ms);
  for (const j of summary.jobs) if (j.started_at) end = Math.max(end, Date.parse(j.started_at) + j.duration_ms);
  // The axis spans the run; a budget further out is noted at the edge, so that a fast run's
  // bars stay readable instead of shrinking against a budget of many minutes.
  const span = end - t0;
  const x = (ms: number): number => LABEL + ((WIDTH - LABEL - 10) * ms) / span;
  const parts: string[] = [];
  let y = 24;
  for (const tier of summary.tiers) {
    const jobs = summary.jobs.filter((j) => j.tier === tier.name);
    const laneHeight = ROW * (jobs.length + 1) + 6;
    parts.push(`<rect class="lane" x="0" y="${y - 4}" width="${WIDTH}" height="${laneHeight}" rx="4"/>`);
    parts.push(`<text class="tier-label" x="8" y="${y + 10}">${esc(tier.name)}</text>`);
    if (tier.started_at) {
      const ts = Date.parse(tier.started_at) - t0;
      parts.push(
        `<rect class="bar tier ${esc(tier.status)}" x="${x(ts)}" y="${y}" width="${Math.max(2, x(ts + tier.duration_ms) - x(ts))}" height="${ROW - 6}" rx="2"><title>${esc(`${tier.name}: ${tier.status}, ${fmt(tier.duration_ms)}`)}</title></rect>`,
      );
      if (tier.budget_ms) {
        const over = tier.duration_ms > tier.budget_ms;
        const label = `budget ${fmt(tier.budget_ms)}${over ? ` — over by ${fmt(tier.duration_ms - tier.budget_ms)}` : `, ${Math.round((100 * tier.duration_ms) / tier.budget_ms)}% used`}`;
        if (ts + tier.budget_ms <= span) {
          const bx = x(ts + tier.budget_ms);
          parts.push(
            `<line class="budget${over ? " over" : ""}" x1="${bx}" x2="${bx}" y1="${y - 4}" y2="${y - 4 + laneHeight}"><title>${esc(label)}</title></line>`,
          );
          parts.push(`<text class="budget-label" x="${bx - 4}" y="${y + 9}" text-anchor="end">${esc(label)}</text>`);
        } else {
          parts.push(`<text class="budget-label" x="${WIDTH - 8}" y="${y + 9}" text-anchor="end">${esc(label)} →</text>`);
        }
      }
    } else {
      parts.push(`<text class="muted" x="${LABEL}" y="${y + 10}">${esc(tier.status)}: not started</text>`);
    }
    jobs.forEach((j, i) => {
      const jy = y + ROW * (i + 1);
      parts.push(`<text class="job-label" x="16" y="${jy + 10}">${esc(j.name.length > 26 ? `${j.name.slice(0, 25)}…` : j.name)}</text>`);
      if (!j.started_at) return;
      const js = Date.parse(j.started_at) - t0;
      parts.push(
        `<rect class="bar ${esc(j.conclusion)}" x="${x(js)}" y="${jy + 1}" width="${Math.max(2, x(js + j.duration_ms) - x(js))}" height="${ROW - 6}" rx="2"><title>${esc(`${j.workflow} / ${j.name}: ${j.conclusion}, ${fmt(j.duration_ms)}`)}</title></rect>`,
      );
    });
    y += laneHeight + TIER_GAP;
  }
  const ticks: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const ms = (span * i) / 4;
    ticks.push(`<text class="tick" x="${x(ms)}" y="14" text-anchor="${i === 4 ? "end" : "middle"}">${esc(fmt(Math.round(ms)))}</text>`);
  }
  return `<svg class="timeline" role="img" aria-label="Timeline of the run" viewBox="0 0 ${WIDTH} ${y}" width="100%" xmlns="http://www.w3.org/2000/svg">${ticks.join("")}${parts.join("")}</svg>`;
}

export { fmt as formatMs };
