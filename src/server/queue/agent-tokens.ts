// Agent tokens an admin creates and revokes while the servers run: kept as SHA-256 hashes in the
// shared database, so a token revoked through one replica is refused by every replica at once.
// They carry the agent role only and never open any other route.
import { randomBytes } from "node:crypto";
import type { Caller } from "../auth.js";
import { hashToken } from "../config.js";
import type { Pool } from "./pg-pool.js";

export interface AgentTokenInfo {
  id: number;
  name: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
}

export class AgentTokens {
  constructor(private readonly pool: Pool) {}

  /** A new token: shown this once, only its hash is kept. undefined when the name is taken. */
  async create(name: string, createdBy: string): Promise<{ id: number; token: string } | undefined> {
    const token = `tierci_agent_${randomBytes(32).toString("base64url")}`;
    const r = await this.pool.query<{ id: number }>(
      "INSERT INTO agent_tokens (name, hash, created_by) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING id",
      [name, hashToken(token), createdBy],
    );
    const row = r.rows[0];
    return row ? { id: row.id, token } : undefined;
  }

  async list(): Promise<AgentTokenInfo[]> {
    const r = await this.pool.query<AgentTokenInfo>(
      `SELECT id, name, created_by AS "createdBy", to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt",
         to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "revokedAt" FROM agent_tokens ORDER BY id`,
    );
    return r.rows;
  }

  /** true when the token was live and is now revoked. */
  async revoke(id: number): Promise<boolean> {
    const r = await this.pool.query("UPDATE agent_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING id", [id]);
    return (r.rowCount ?? 0) > 0;
  }

  async callerOf(token: string): Promise<Caller | undefined> {
    const r = await this.pool.query<{ name: string }>("SELECT name FROM agent_tokens WHERE hash = $1 AND revoked_at IS NULL", [hashToken(token)]);
    const row = r.rows[0];
    return row ? { name: `agent-token:${row.name}`, role: "agent" } : undefined;
  }
}
