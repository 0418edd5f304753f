// POST /api/repos/{owner}/{name}/dispatches: run a workflow by hand with typed inputs, checked
// against the workflow as it is at the tip of the ref.
import type { FastifyInstance } from "fastify";
import { buildWorkflow } from "../../workflow/build-model.js";
import { parseYamlSource } from "../../workflow/yaml-tree.js";
import { checkDispatchInputs } from "../dispatch-inputs.js";
import { MirrorError } from "../git-mirror.js";
import { fullRef } from "../run-event.js";
import type { ServerContext } from "./context.js";

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
      const fullName = `${req.params.owner}/${req.params.name}`;
      const repo = ctx.config.repos.find((r) => r.name === fullName);
      if (!repo) return reply.code(404).send({ error: `no repository '${fullName}' is configured on this server` });
      const mirror = ctx.queue.mirror(repo);
      const ref = fullRef(req.body.ref ?? (await mirror.defaultBranch()));
      let text: string | undefined;
      try {
        await mirror.fetch();
        const sha = await mirror.resolve(ref);
        if (sha === undefined) return reply.code(422).send({ errors: [`${ref} does not exist in the repository`] });
        text = await mirror.readFile(sha, `.github/workflows/${req.body.workflow}`);
      } catch (err) {
        if (err instanceof MirrorError) return reply.code(502).send({ error: `cannot fetch the repository: ${err.message}` });
        throw err;
      }
      if (text === undefined) return reply.code(422).send({ errors: [`there is no workflow .github/workflows/${req.body.workflow} at ${ref}`] });
      const path = `.github/workflows/${req.body.workflow}`;
      const workflow = buildWorkflow(parseYamlSource(path, text), path);
      const check = checkDispatchInputs(
        workflow.triggers.find((t) => t.event === "workflow_dispatch"),
        req.body.inputs,
      );
      if (!check.ok) return reply.code(422).send({ errors: check.errors });
      const run = ctx.db.queueRun({
        repo: repo.name,
        event: "workflow_dispatch",
        ref,
        request: { kind: "dispatch", workflow: req.body.workflow, ref, inputs: check.inputs, actor: req.caller?.name ?? "tierci" },
      });
      ctx.queue.submit(run);
      return reply.code(201).send({ run_id: run.id });
    },
  );
}
