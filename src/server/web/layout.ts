// The page around every dashboard view: navigation, who is logged in, a logout form, and the
// one stylesheet and script. Status is always shown as an icon and a word, never by colour alone.
import type { Caller } from "../auth.js";
import { html, type Html } from "./html.js";

export interface PageUser {
  caller: Caller;
  csrf: string;
}

export const ASSET_VERSION = "1";

const ICONS: Record<string, string> = {
  success: "✓",
  failure: "✗",
  cancelled: "⊘",
  skipped: "↷",
  in_progress: "●",
  queued: "◷",
  neutral: "–",
};

/** The word GitHub uses for a state: the conclusion once completed, else the status. */
export function stateOf(status: string, conclusion: string | null | undefined): string {
  return status === "completed" ? (conclusion ?? "neutral") : status;
}

export function badge(state: string): Html {
  return html`<span class="state ${state}"><span aria-hidden="true">${ICONS[state] ?? "•"}</span> ${state.replace("_", " ")}</span>`;
}

export function formatMs(ms: number | null): string {
  if (ms === null) return "–";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
}

/** A hidden field with the session's CSRF token: every form carries one. */
export function csrfField(user: PageUser): Html {
  return html`<input type="hidden" name="_csrf" value="${user.csrf}" />`;
}

export function page(title: string, user: PageUser | undefined, body: Html, opts: { bodyData?: Record<string, string> } = {}): string {
  const data = Object.entries(opts.bodyData ?? {}).map(([k, v]) => html` data-${k}="${v}"`);
  const nav = user
    ? html`<nav aria-label="Main">
        <a href="/">Runs</a><span class="who">${user.caller.name} (${user.caller.role})</span>
        <form method="post" action="/logout">${csrfField(user)}<button type="submit" class="link">Log out</button></form>
      </nav>`
    : "";
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · tierci</title><link rel="stylesheet" href="/assets/dashboard.css?v=${ASSET_VERSION}">
<script src="/assets/dashboard.js?v=${ASSET_VERSION}" defer></script></head>
<body${data}><a class="skip" href="#main">Skip to content</a>
<header class="top"><a class="brand" href="/">tierci</a>${nav}</header>
<main id="main">${body}</main></body></html>
`.text;
}
