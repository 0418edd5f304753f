// POST /api/repos/{owner}/{name}/dispatches: run a workflow by hand with typed inputs, checked
// against the workflow as it is at the tip of the ref.
import type { FastifyInstance } from "fastify";
import type { ServerContext } from "./context.js";
import { dispatchRun } from "./run-actions.js";

interface DispatchBody {
  workflow: string;
  ref?: string;
  inputs?: Record<string, unknown>;
}

export function registerDispatchRoute(app: FastifyInstance, ctx: ServerContext): void {
  app.post<{ Params: { owner: string; name: string }; Body: DispatchBody }>(
    "/api/repos/:owner/:name/dispatches",
    {
      config: { role: "trigger" },
      bodyLimit: 1024 * 1024,
      schema: {
        params: { type: "object", properties: { owner: { type: "string", maxLength: 100 }, name: { type: "string", maxLength: 100 } } },
        body: {
          type: "object",
          required: ["workflow"],
          additionalProperties: false,
          properties: {
            workflow: { type: "string", pattern: "^[A-Za-z0-9._-]{1,200}\\.ya?ml$" },
            ref: { type: "string", minLength: 1, maxLength: 255, pattern: "^[^\\s~^:?*\\[\\\\]+$" },
            inputs: { type: "object" },
          },
        },
      },
    },
    async (req, reply) => {
      const result = await dispatchRun(ctx, `${req.params.owner}/${req.params.name}`, req.body, req.caller?.name ?? "tierci");
      if (result.ok) return reply.code(201).send({ run_id: result.run.id });
      if (result.status === 422) return reply.code(422).send({ errors: result.errors });
      return reply.code(result.status).send({ error: result.errors.join("; ") });
    },
  );
}
