// A job's log as HTML: lines with their numbers as anchors (#L123), ANSI colours as classed spans,
// and consecutive lines of one step inside a <details> group named for the step, folded unless
// the step failed, is still running, or holds the line asked for.
import type { LogLine, StepRecord } from "../../store/index.js";
import { ansiToHtml } from "./ansi.js";
import { html, trusted, type Html } from "./html.js";
import { stateOf } from "./layout.js";

const GROUP_START = /^##\[group\]/;

export function lineHtml(seq: number, text: string): Html {
  const shown = GROUP_START.test(text) ? html`<span class="grp">▸ ${trusted(ansiToHtml(text.replace(GROUP_START, "")))}</span>` : trusted(ansiToHtml(text));
  return html`<div class="l" id="L${seq}"><a class="n" href="?at=${seq}#L${seq}" aria-label="line ${seq}">${seq}</a><span>${shown}</span></div>`;
}

export function stepTitle(step: number | null, steps: ReadonlyMap<number, StepRecord>): string {
  if (step === null) return "Job";
  const record = steps.get(step);
  return record ? `${record.name} — ${stateOf(record.status, record.conclusion).replace("_", " ")}` : `Step ${step + 1}`;
}

/** A step's group of lines; the page (or a live line) adds lines to its `.lines`. */
export function group(step: number | null, steps: ReadonlyMap<number, StepRecord>, open: boolean, lines: string): string {
  return html`<details data-step="${step === null ? "job" : step}" ${open ? "open" : ""}>
    <summary>${stepTitle(step, steps)}</summary>
    <div class="lines">${trusted(lines)}</div>
  </details>`.text;
}

/** Whether a step's group starts unfolded: it failed or has not finished. */
export function unfolded(step: number | null, steps: ReadonlyMap<number, StepRecord>): boolean {
  const record = step === null ? undefined : steps.get(step);
  return record === undefined || record.status !== "completed" || record.outcome === "failure";
}

/** Up to `count` lines from `from` on, read one at a time; returns the HTML and the last line number read. */
export function renderRange(
  lines: Iterable<LogLine>,
  count: number,
  steps: ReadonlyMap<number, StepRecord>,
  openAt?: number,
): { markup: string; last: number } {
  let out = "";
  let current: number | null | undefined;
  let last = 0;
  let n = 0;
  let buffered = "";
  let open = false;
  const close = (): void => {
    if (current === undefined) return;
    out += group(current, steps, open, buffered);
  };
  for (const line of lines) {
    if (n++ >= count) break;
    if (line.stepIndex !== current) {
      close();
      current = line.stepIndex;
      buffered = "";
      open = unfolded(current, steps);
    }
    if (line.seq === openAt) open = true;
    buffered += lineHtml(line.seq, line.text).text;
    last = line.seq;
  }
  close();
  return { markup: out, last };
}
