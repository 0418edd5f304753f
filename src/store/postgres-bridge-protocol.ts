// The messages between a PostgresBridge and its worker thread.

export interface BridgeSettings {
  /** How long connecting may take. */
  connectTimeoutMs: number;
  /** How long a statement waits for a lock held by another session before it fails. */
  lockTimeoutMs: number;
}

export interface Statement {
  sql: string;
  params: readonly unknown[];
}

export type BridgeRequest =
  | { id: number; kind: "open" }
  | { id: number; kind: "close" }
  /** With transaction, all statements commit together or none does. */
  | { id: number; kind: "run"; statements: readonly Statement[]; transaction: boolean };

export interface StatementResult {
  rows: Record<string, unknown>[];
  rowCount: number;
}

export type BridgeAnswer = { id: number; ok: true; results: StatementResult[] } | { id: number; ok: false; error: { message: string; code: string | null } };
