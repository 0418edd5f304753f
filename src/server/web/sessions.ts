// Dashboard sessions: a person logs in once with a token and the browser then holds only a random
// session id in an HttpOnly cookie. Sessions live in memory (a restart logs people out, which is
// the safe side) and are bounded in number and age. Each carries its own CSRF token, which every
// form sends back and which is compared in constant time.
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Caller } from "../auth.js";

export interface Session {
  id: string;
  caller: Caller;
  csrf: string;
  expires: number;
}

export const SESSION_COOKIE = "tierci_session";
/** Before login there is no session: the login form's CSRF token is a cookie of its own (double submit). */
export const LOGIN_COOKIE = "tierci_login";

const MAX_SESSIONS = 10_000;
const IDLE_MS = 12 * 60 * 60 * 1000;

export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined || a.length === 0) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class Sessions {
  private readonly byId = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  create(caller: Caller): Session {
    // Map keeps insertion order: the first entries are the oldest sessions.
    while (this.byId.size >= MAX_SESSIONS) {
      const oldest = this.byId.keys().next().value;
      if (oldest === undefined) break;
      this.byId.delete(oldest);
    }
    const session = { id: randomToken(), caller, csrf: randomToken(), expires: this.now() + IDLE_MS };
    this.byId.set(session.id, session);
    return session;
  }

  /** The live session of a cookie value; using it extends it. */
  get(id: string | undefined): Session | undefined {
    if (id === undefined || id.length > 100) return undefined;
    const session = this.byId.get(id);
    if (!session) return undefined;
    if (session.expires <= this.now()) {
      this.byId.delete(id);
      return undefined;
    }
    session.expires = this.now() + IDLE_MS;
    return session;
  }

  end(id: string): void {
    this.byId.delete(id);
  }
}

/** The cookies of a request header; a malformed pair is skipped. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").slice(0, 8192).split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (/^[A-Za-z0-9_-]+$/.test(value) && !out.has(name)) out.set(name, value);
  }
  return out;
}

/** A cookie the page's scripts cannot read and other sites cannot send with a POST; Secure when served over TLS. */
export function cookie(name: string, value: string, opts: { secure: boolean; maxAgeSeconds?: number }): string {
  const parts = [`${name}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax"];
  if (opts.maxAgeSeconds !== undefined) parts.push(`Max-Age=${opts.maxAgeSeconds}`);
  if (opts.secure) parts.push("Secure");
  return parts.join("; ");
}
