// Who is calling: a bearer token from the config, compared by its SHA-256 in constant time,
// and what its role allows. read < trigger < admin; agent tokens serve agents only.
import { timingSafeEqual } from "node:crypto";
import { hashToken, type Role, type TokenConfig } from "./config.js";

export interface Caller {
  name: string;
  role: Role;
}

const RANK: Record<Role, number> = { read: 1, trigger: 2, admin: 3, agent: 0 };

/** The caller a token belongs to; undefined for an unknown or malformed one. */
export function callerOf(token: string | undefined, tokens: readonly TokenConfig[]): Caller | undefined {
  if (token === undefined || token.length === 0 || token.length > 4096) return undefined;
  const hash = hashToken(token);
  let found: TokenConfig | undefined;
  // Every token is compared, so that the time taken does not tell which one came close.
  for (const t of tokens) if (timingSafeEqual(t.hash, hash) && found === undefined) found = t;
  return found ? { name: found.name, role: found.role } : undefined;
}

/** The token of an `Authorization: Bearer TOKEN` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = /^Bearer ([\x21-\x7e]+)$/.exec(header ?? "");
  return m?.[1];
}

/** Whether a caller's role covers what a route needs; agent routes take agent tokens only. */
export function allows(caller: Caller, needed: Role): boolean {
  if (needed === "agent" || caller.role === "agent") return caller.role === needed;
  return RANK[caller.role] >= RANK[needed];
}
