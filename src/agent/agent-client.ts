// The agent's calls to the server (docs/agent-protocol.md): JSON with a bearer token, retried with
// backoff while the server is unreachable or restarting (a replica going away behind the balancer),
// never retried when the token is refused. The token never appears in an error.
import { setTimeout as sleep } from "node:timers/promises";

/** The server refused the token: nothing this agent sends will be accepted until it has another. */
export class TokenRefused extends Error {
  override readonly name = "TokenRefused";
  constructor(readonly status: number) {
    super(
      status === 401
        ? "the server refused the agent's token (401): check --token-env, or whether the token was revoked"
        : "the server refused the agent's token (403): it is not a token of role agent",
    );
  }
}

/** An answer the protocol gives meaning to (409, 422, 404), passed to the caller with its body. */
export class ServerAnswer extends Error {
  override readonly name = "ServerAnswer";
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body["error"] === "string" ? body["error"] : `the server answered ${status}`);
  }
}

export interface ClientOptions {
  server: string;
  token: string;
  /** How long a call keeps retrying a server that does not answer (5 minutes by default). */
  retryForMs?: number;
}

const TRANSIENT = new Set([408, 425, 429, 500, 502, 503, 504]);

export class AgentClient {
  readonly base: string;
  private readonly retryForMs: number;

  constructor(private readonly o: ClientOptions) {
    this.base = o.server.replace(/\/+$/, "");
    this.retryForMs = o.retryForMs ?? 5 * 60_000;
  }

  /** A call, retried on network errors and transient answers; throws TokenRefused or ServerAnswer for the rest. */
  async request(method: string, path: string, init: { json?: unknown; bytes?: Buffer; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<Response> {
    const deadline = Date.now() + this.retryForMs;
    for (let attempt = 0; ; attempt++) {
      let res: Response | undefined;
      let failure = "";
      try {
        const headers: Record<string, string> = { authorization: `Bearer ${this.o.token}` };
        let body: string | Buffer | undefined;
        if (init.json !== undefined) {
          headers["content-type"] = "application/json";
          body = JSON.stringify(init.json);
        } else if (init.bytes !== undefined) {
          headers["content-type"] = "application/octet-stream";
          body = init.bytes;
        }
        const timeout = AbortSignal.timeout(init.timeoutMs ?? 60_000);
        res = await fetch(`${this.base}${path}`, {
          method,
          headers,
          ...(body !== undefined ? { body } : {}),
          signal: init.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
        });
      } catch (err) {
        if (init.signal?.aborted) throw err;
        failure = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
      }
      if (res !== undefined) {
        if (res.ok) return res;
        if (res.status === 401 || res.status === 403) throw new TokenRefused(res.status);
        if (!TRANSIENT.has(res.status)) throw new ServerAnswer(res.status, await bodyOf(res));
        failure = `${res.status} ${(await bodyOf(res))["error"] ?? ""}`.trim();
      }
      if (Date.now() > deadline) throw new Error(`${method} ${this.base}${path.split("?")[0] ?? ""} kept failing: ${failure}`);
      await sleep(Math.min(5000, 200 * 2 ** Math.min(attempt, 5)), undefined, init.signal ? { signal: init.signal } : {}).catch(() => undefined);
      if (init.signal?.aborted) throw new Error("stopped");
    }
  }

  async json<T>(method: string, path: string, init: Parameters<AgentClient["request"]>[2] = {}): Promise<T> {
    return (await (await this.request(method, path, init)).json()) as T;
  }
}

async function bodyOf(res: Response): Promise<Record<string, unknown>> {
  try {
    const parsed = (await res.json()) as unknown;
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
