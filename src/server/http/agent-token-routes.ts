// /api/agent-tokens: admins create, list and revoke agent tokens. A token is shown once, when it
// is created; the server keeps only its hash.
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "./context.js";

const NAME = "^[A-Za-z0-9._-]{1,64}$";

export function registerAgentTokenRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const unavailable = { error: "agent tokens need the server's database to be Postgres (database: postgres://... in the config)" };

  app.post<{ Body: { name: string } }>(
    "/api/agent-tokens",
    {
      config: { role: "admin" },
      schema: { body: { type: "object", required: ["name"], additionalProperties: false, properties: { name: { type: "string", pattern: NAME } } } },
    },
    async (req, reply) => {
      if (!ctx.agents) return reply.code(503).send(unavailable);
      const made = await ctx.agents.tokens.create(req.body.name, req.caller?.name ?? "admin");
      if (!made) return reply.code(409).send({ error: `an agent token named '${req.body.name}' exists; revoke it or choose another name` });
      return reply.code(201).send({ id: made.id, name: req.body.name, token: made.token });
    },
  );

  app.get("/api/agent-tokens", { config: { role: "admin" } }, async (_req, reply) => {
    if (!ctx.agents) return reply.code(503).send(unavailable);
    return { tokens: await ctx.agents.tokens.list() };
  });

  app.delete<{ Params: { id: number } }>(
    "/api/agent-tokens/:id",
    { config: { role: "admin" }, schema: { params: { type: "object", properties: { id: { type: "integer", minimum: 1 } } } } },
    async (req, reply) => {
      if (!ctx.agents) return reply.code(503).send(unavailable);
      return (await ctx.agents.tokens.revoke(req.params.id)) ? reply.code(204).send() : reply.code(404).send({ error: `no live agent token ${req.params.id}` });
    },
  );
}
