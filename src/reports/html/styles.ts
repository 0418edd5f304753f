// The report's only stylesheet, inlined so the file stands alone.
export const STYLES = `
:root { --ok: #1a7f37; --fail: #cf222e; --warn: #9a6700; --skip: #8c959f; --cancel: #6e7781; --bg: #f6f8fa; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); background: #fff; }
header { padding: 20px 32px; border-bottom: 1px solid var(--line); background: var(--bg); }
header h1 { margin: 0 0 4px; font-size: 22px; display: flex; align-items: center; gap: 10px; }
header .meta { color: var(--muted); font-size: 13px; }
main { padding: 8px 32px 40px; max-width: 1100px; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
.badge { display: inline-block; padding: 1px 9px; border-radius: 12px; font-size: 12px; font-weight: 600; color: #fff; vertical-align: middle; }
.badge.success { background: var(--ok); } .badge.failure { background: var(--fail); } .badge.cancelled { background: var(--cancel); } .badge.skipped { background: var(--skip); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; margin-top: 18px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .value { font-size: 22px; font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { font-weight: 600; } .status.success { color: var(--ok); } .status.failure { color: var(--fail); } .status.cancelled { color: var(--cancel); } .status.skipped { color: var(--skip); }
details summary { cursor: pointer; }
details ol { margin: 6px 0 4px; padding-left: 22px; color: var(--muted); }
pre { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow-x: auto; font-size: 12px; white-space: pre-wrap; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.annotation { padding: 3px 0; } .annotation .level { font-weight: 600; margin-right: 6px; }
.annotation .level.error { color: var(--fail); } .annotation .level.warning { color: var(--warn); } .annotation .level.notice { color: var(--muted); }
.muted { color: var(--muted); fill: #59636e; }
.reused { color: var(--muted); font-style: italic; }
.empty { color: var(--muted); font-style: italic; }
.meter { height: 8px; background: var(--bg); border-radius: 4px; overflow: hidden; border: 1px solid var(--line); min-width: 80px; }
.meter > span { display: block; height: 100%; background: var(--ok); }
svg.timeline { border: 1px solid var(--line); border-radius: 8px; background: #fff; }
svg .lane { fill: #f6f8fa; }
svg .tier-label { font-weight: 600; font-size: 12px; fill: #1f2328; }
svg .job-label, svg .tick, svg .budget-label { font-size: 11px; fill: #59636e; }
svg .bar.success { fill: #2da44e; } svg .bar.failure { fill: #cf222e; } svg .bar.cancelled { fill: #8c959f; } svg .bar.skipped { fill: #d0d7de; }
svg .bar.tier { opacity: .35; }
svg .budget { stroke: #9a6700; stroke-width: 1.5; stroke-dasharray: 4 3; } svg .budget.over { stroke: #cf222e; }
`;
