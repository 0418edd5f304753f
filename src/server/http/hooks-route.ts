// POST /hooks/github: deliveries from GitHub, Gitea and Forgejo. The body is kept as the bytes
// received, because the signature covers exactly those. A delivery is answered as soon as its
// runs are queued in the server's records; fetching and running happen after the answer.
import type { FastifyInstance, FastifyReply } from "fastify";
import { signatureValid, type Forge } from "../webhook-signature.js";
import type { NewServerRun } from "../server-db.js";
import type { DeliveryResult } from "../metrics.js";
import type { ServerContext } from "./context.js";

/** GitHub's own limit on a delivery's payload. */
export const MAX_DELIVERY_BYTES = 25 * 1024 * 1024;

const RUN_EVENTS = new Set(["push", "pull_request", "pull_request_target", "merge_group"]);

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The JSON payload of a delivery sent as JSON or as GitHub's form encoding (`payload=`). */
function payloadOf(body: Buffer, contentType: string | undefined): Record<string, unknown> | undefined {
  let text = body.toString("utf8");
  if ((contentType ?? "").startsWith("application/x-www-form-urlencoded")) text = new URLSearchParams(text).get("payload") ?? "";
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Why a delivery runs nothing, known without fetching anything. */
function nothingToRun(event: string, payload: Record<string, unknown>): string | undefined {
  if (event === "ping") return "pong";
  if (!RUN_EVENTS.has(event)) return `tierci does not run workflows for '${event}' deliveries`;
  if (event === "push" && payload["deleted"] === true) return `${String(payload["ref"])} was deleted; nothing runs for a deleted ref`;
  return undefined;
}

export function registerHooksRoute(app: FastifyInstance, ctx: ServerContext): void {
  app.register(async (scope) => {
    // Only here is the body left as bytes: the signature is over them.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: MAX_DELIVERY_BYTES }, (_req, body, done) => done(null, body));

    scope.post("/hooks/github", async (req, reply) => {
      const fail = (code: number, result: DeliveryResult, error: string): FastifyReply => {
        ctx.metrics.delivery(result);
        return reply.code(code).send({ error });
      };
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const gitea = req.headers["x-gitea-signature"] !== undefined || req.headers["x-gitea-event"] !== undefined;
      const forge: Forge = gitea ? "gitea" : "github";
      const event = header(req.headers["x-github-event"]) ?? header(req.headers["x-gitea-event"]) ?? header(req.headers["x-forgejo-event"]);
      const delivery = header(req.headers["x-github-delivery"]) ?? header(req.headers["x-gitea-delivery"]) ?? header(req.headers["x-forgejo-delivery"]);
      if (event === undefined || !/^[a-z_]{1,64}$/.test(event)) return fail(400, "malformed", "missing or malformed X-GitHub-Event (or X-Gitea-Event) header");
      if (delivery === undefined || !/^[\w.-]{1,128}$/.test(delivery))
        return fail(400, "malformed", "missing or malformed X-GitHub-Delivery (or X-Gitea-Delivery) header");
      const payload = payloadOf(body, req.headers["content-type"]);
      if (!payload) return fail(400, "malformed", "the body is not a JSON object");
      const repository = payload["repository"] as { full_name?: unknown } | undefined;
      const name = typeof repository?.full_name === "string" ? repository.full_name : undefined;
      const repo = ctx.config.repos.find((r) => r.name === name);
      if (!repo) return fail(404, "unknown_repo", `no repository ${name === undefined ? "named in the payload" : `'${name}'`} is configured on this server`);
      const signature = forge === "gitea" ? header(req.headers["x-gitea-signature"]) : header(req.headers["x-hub-signature-256"]);
      if (!(await signatureValid(forge, repo.webhookSecret, body, signature)))
        return fail(401, "unauthorized", "missing or wrong signature: check the webhook's secret");

      const reason = nothingToRun(event, payload);
      if (reason !== undefined) {
        ctx.metrics.delivery("nothing");
        return reply.code(200).send({ run_ids: [], reason });
      }
      const ref = typeof payload["ref"] === "string" ? payload["ref"] : null;
      const run: NewServerRun = { repo: repo.name, event, ref, request: { kind: "webhook", event, payload } };
      const accepted = ctx.db.acceptDelivery({ id: delivery, repo: repo.name, event }, [run]);
      if (accepted.duplicate) {
        ctx.metrics.delivery("duplicate");
        return reply.code(200).send({ duplicate: true, run_ids: accepted.runIds });
      }
      for (const id of accepted.runIds) {
        const queued = ctx.db.getRun(id);
        if (queued) ctx.queue.submit(queued);
      }
      ctx.metrics.delivery("queued");
      return reply.code(202).send({ run_ids: accepted.runIds });
    });
  });
}
