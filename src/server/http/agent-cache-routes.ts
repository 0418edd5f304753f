// /api/agent/jobs/{id}/caches: the caches a server's agents share (docs/agent-protocol.md). The
// scopes a job may read and write are the server's to say (its ref, the base branch of a pull
// request, the default branch), whatever the agent asks for.
import type { FastifyInstance, FastifyReply } from "fastify";
import { isDigest } from "../queue/blob-store.js";
import type { ServerContext } from "./context.js";

const JOB = { type: "object", properties: { id: { type: "integer", minimum: 1 } } } as const;
const TEXT = { type: "string", minLength: 1, maxLength: 512 } as const;

interface LookupBody {
  lease: string;
  scopes: string[];
  version: string;
  keys: string[];
}

interface SaveBody {
  lease: string;
  scope: string;
  version: string;
  key: string;
  blob: string;
}

/** The cache scopes of a job's event, as GitHub grants them. */
function scopesOf(event: { ref: string; payload: Record<string, unknown> }): string[] {
  const pr = event.payload["pull_request"] as { base?: { ref?: unknown } } | undefined;
  const base = typeof pr?.base?.ref === "string" ? `refs/heads/${pr.base.ref}` : undefined;
  const repository = event.payload["repository"] as { default_branch?: unknown } | undefined;
  const def = typeof repository?.default_branch === "string" ? `refs/heads/${repository.default_branch}` : undefined;
  return [...new Set([event.ref, ...(base ? [base] : []), ...(def ? [def] : [])])];
}

export function registerAgentCacheRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const job = async (id: number, lease: string, token: string, reply: FastifyReply) => {
    if (!ctx.agents) {
      void reply.code(503).send({ error: "agents need the server's database to be Postgres" });
      return undefined;
    }
    const held = await ctx.agents.queue.heldBy(id, lease, token);
    if (!held) void reply.code(409).send({ error: `job ${id} is not leased to this agent any more` });
    return held;
  };

  app.post<{ Params: { id: number }; Body: LookupBody }>(
    "/api/agent/jobs/:id/caches/lookup",
    {
      config: { role: "agent" },
      schema: {
        params: JOB,
        body: {
          type: "object",
          required: ["lease", "scopes", "version", "keys"],
          additionalProperties: false,
          properties: {
            lease: { type: "string", maxLength: 100 },
            scopes: { type: "array", maxItems: 10, items: TEXT },
            version: { type: "string", pattern: "^[0-9a-f]{64}$" },
            keys: { type: "array", minItems: 1, maxItems: 10, items: TEXT },
          },
        },
      },
    },
    async (req, reply) => {
      const held = await job(req.params.id, req.body.lease, req.caller?.name ?? "", reply);
      if (!held || !ctx.agents) return reply;
      const allowed = scopesOf(held.spec.event);
      const scopes = req.body.scopes.filter((s) => allowed.includes(s));
      const found = await ctx.agents.caches.lookup({ repo: held.repo, scopes, version: req.body.version, keys: req.body.keys });
      return { found: found ?? null };
    },
  );

  app.post<{ Params: { id: number }; Body: SaveBody }>(
    "/api/agent/jobs/:id/caches",
    {
      config: { role: "agent" },
      schema: {
        params: JOB,
        body: {
          type: "object",
          required: ["lease", "scope", "version", "key", "blob"],
          additionalProperties: false,
          properties: { lease: { type: "string", maxLength: 100 }, scope: TEXT, version: { type: "string", pattern: "^[0-9a-f]{64}$" }, key: TEXT, blob: TEXT },
        },
      },
    },
    async (req, reply) => {
      const held = await job(req.params.id, req.body.lease, req.caller?.name ?? "", reply);
      if (!held || !ctx.agents) return reply;
      if (req.body.scope !== held.spec.event.ref) return reply.code(403).send({ error: `a job of ${held.spec.event.ref} saves caches in its own scope only` });
      const status = isDigest(req.body.blob) ? await ctx.agents.blobs.status(req.body.blob) : { complete: false, size: 0 };
      if (!status.complete) return reply.code(422).send({ error: `blob ${req.body.blob} is not uploaded and committed` });
      const added = await ctx.agents.caches.add({
        repo: held.repo,
        scope: req.body.scope,
        version: req.body.version,
        key: req.body.key,
        blob: req.body.blob,
        size: status.size,
      });
      return added ? reply.code(201).send({}) : reply.code(409).send({ error: `a cache with the key ${req.body.key} was shared first by another job` });
    },
  );
}
