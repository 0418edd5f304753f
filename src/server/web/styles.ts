// The dashboard's one stylesheet. The timeline's rules are the report's own, so the SVG looks the
// same in both. Layout works from a 390 px phone to a wide screen: tables scroll inside their box.
import { STYLES as REPORT_STYLES } from "../../reports/html/styles.js";

const TIMELINE = REPORT_STYLES.split("\n")
  .filter((line) => line.startsWith("svg"))
  .join("\n");

export const DASHBOARD_CSS = `
:root { --ok: #1a7f37; --fail: #cf222e; --warn: #9a6700; --run: #0969da; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa; --fg: #1f2328; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: var(--fg); background: #fff; }
a { color: #0550ae; }
:focus-visible { outline: 3px solid #0969da; outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 8px; top: 8px; background: #fff; padding: 4px 8px; z-index: 2; }
header.top { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; justify-content: space-between; padding: 10px 20px; background: #24292f; color: #fff; }
header.top a { color: #fff; } .brand { font-weight: 700; font-size: 16px; text-decoration: none; }
nav { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; } nav form { margin: 0; }
nav .who { color: #d0d7de; }
button.link { background: none; border: 0; color: inherit; text-decoration: underline; cursor: pointer; font: inherit; padding: 0; }
main { padding: 16px 20px 48px; max-width: 1280px; margin: 0 auto; }
h1 { font-size: 22px; margin: 4px 0 8px; display: flex; flex-wrap: wrap; gap: 10px; align-items: center; }
h2 { font-size: 17px; margin: 26px 0 10px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
.meta { color: var(--muted); overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.empty { color: var(--muted); font-style: italic; }
.mono, code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-size: 12px; text-transform: uppercase; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody th[scope=rowgroup] { background: var(--bg); text-transform: none; font-size: 13px; color: var(--fg); }
.state { font-weight: 600; white-space: nowrap; }
.state.success { color: var(--ok); } .state.failure { color: var(--fail); } .state.cancelled, .state.skipped, .state.neutral { color: var(--muted); }
.state.in_progress { color: var(--run); } .state.queued { color: var(--warn); }
.tiers { display: flex; gap: 3px; list-style: none; margin: 0; padding: 0; min-width: 160px; }
.tiers li { flex: 1; border-top: 5px solid var(--line); font-size: 11.5px; padding-top: 2px; white-space: nowrap; }
.tiers li.success { border-color: var(--ok); } .tiers li.failure { border-color: var(--fail); } .tiers li.cancelled { border-color: #8c959f; }
.tiers li.over { font-weight: 700; }
form.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin: 8px 0 14px; }
label { display: block; font-weight: 600; font-size: 13px; }
input, select, button { font: inherit; }
input[type=text], input[type=number], input[type=search], input[type=password], select { display: block; padding: 5px 8px; border: 1px solid var(--line); border-radius: 6px; min-width: 0; max-width: 100%; }
button, .button { display: inline-block; padding: 5px 12px; border: 1px solid #afb8c1; border-radius: 6px; background: var(--bg); color: var(--fg); cursor: pointer; text-decoration: none; }
button.danger { border-color: var(--fail); color: var(--fail); }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 10px 0; } .actions form { margin: 0; }
.field { margin: 12px 0; } .field .hint { color: var(--muted); font-size: 12.5px; }
.field-error, .error { color: var(--fail); font-weight: 600; }
.error::before, .field-error::before { content: "⚠ "; }
.notice { padding: 8px 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
.pager { display: flex; gap: 14px; margin: 12px 0; }
meter { width: 90px; }
.log { background: #0d1117; color: #e6edf3; border-radius: 6px; padding: 8px 0; overflow-x: auto; }
.log .l { display: flex; white-space: pre-wrap; overflow-wrap: anywhere; padding: 0 10px; }
.log .l:target, .log .l.hit { background: #3a3000; }
.log .n { color: #8b949e; min-width: 4.5em; text-align: right; padding-right: 12px; user-select: none; text-decoration: none; flex: none; }
.log details > summary { color: #e6edf3; padding: 3px 10px; cursor: pointer; font-weight: 600; }
.log .grp { color: #d2a8ff; font-weight: 600; }
.ansi-b { font-weight: 700; } .ansi-i { font-style: italic; } .ansi-u { text-decoration: underline; }
.fg0 { color: #6e7681; } .fg1 { color: #ff7b72; } .fg2 { color: #3fb950; } .fg3 { color: #d29922; } .fg4 { color: #58a6ff; } .fg5 { color: #bc8cff; } .fg6 { color: #39c5cf; } .fg7 { color: #e6edf3; }
.bg0 { background: #484f58; } .bg1 { background: #b62324; } .bg2 { background: #1a7f37; } .bg3 { background: #9e6a03; } .bg4 { background: #0d419d; } .bg5 { background: #6e40c9; } .bg6 { background: #1b7c83; } .bg7 { background: #b1bac4; color: #0d1117; }
.live { color: var(--run); font-weight: 600; }
${TIMELINE}
svg.timeline { border: 1px solid var(--line); border-radius: 8px; background: #fff; }
@media (max-width: 600px) {
  main { padding: 10px 10px 40px; }
  .hide-narrow { display: none; }
  th, td { padding: 5px 4px; }
}
`;
