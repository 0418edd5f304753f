// The HTTP server: every /api route states the role it needs and is refused without a token of
// that role (dashboard pages state theirs in `config.page` and take a session instead, see web/); inputs are bounded by schemas and body limits; errors are JSON with a message and
// never a stack trace.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { allows, bearerToken, callerOf, type Caller } from "../auth.js";
import type { ServerContext } from "./context.js";
import { registerAgentCacheRoutes } from "./agent-cache-routes.js";
import { registerAgentRoutes } from "./agent-routes.js";
import { registerAgentTokenRoutes } from "./agent-token-routes.js";
import { registerDispatchRoute } from "./dispatch-route.js";
import { MAX_DELIVERY_BYTES, registerHooksRoute } from "./hooks-route.js";
import { registerRunsRoutes } from "./runs-routes.js";
import { registerDashboard } from "../web/dashboard.js";

declare module "fastify" {
  interface FastifyRequest {
    caller: Caller | undefined;
  }
}

export function buildApp(ctx: ServerContext, logger: FastifyServerOptions["logger"]): FastifyInstance {
  const app = Fastify({ logger, bodyLimit: 1024 * 1024, maxParamLength: 200, return503OnClosing: true, disableRequestLogging: true });
  app.decorateRequest("caller", undefined);

  app.addHook("onRequest", async (req, reply) => {
    const role = req.routeOptions.config.role;
    if (role === undefined) return;
    const token = bearerToken(req.headers.authorization);
    let caller = callerOf(token, ctx.config.tokens);
    // Agent tokens made through the API live in the shared database, so a revocation applies on every replica.
    if (!caller && role === "agent" && token !== undefined && token.length <= 4096 && ctx.agents) caller = await ctx.agents.tokens.callerOf(token);
    if (!caller) return reply.code(401).header("www-authenticate", "Bearer").send({ error: "a bearer token is required (Authorization: Bearer TOKEN)" });
    if (!allows(caller, role)) return reply.code(403).send({ error: `the token '${caller.name}' has role ${caller.role}; this needs ${role}` });
    req.caller = caller;
  });

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string; validation?: unknown }, req, reply) => {
    if (err.code === "FST_ERR_CTP_BODY_TOO_LARGE")
      return reply
        .code(413)
        .send({ error: `the body is over the limit (${req.url.startsWith("/hooks/") ? `${MAX_DELIVERY_BYTES / 1024 / 1024} MB` : "1 MB"})` });
    if (err.validation !== undefined || (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500))
      return reply.code(err.statusCode ?? 400).send({ error: err.message });
    req.log.error({ err }, "request failed");
    return reply.code(500).send({ error: "internal error; the server log has the details" });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: `no route ${req.method} ${req.url.split("?")[0] ?? ""}` }));

  app.get("/healthz", async (_req, reply) => {
    try {
      return ctx.db.ping() ? { status: "ok" } : reply.code(503).send({ status: "store not answering" });
    } catch {
      return reply.code(503).send({ status: "store not answering" });
    }
  });
  app.get("/metrics", { config: { role: "read" } }, async (_req, reply) =>
    reply.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics()),
  );

  registerHooksRoute(app, ctx);
  registerRunsRoutes(app, ctx);
  registerDispatchRoute(app, ctx);
  registerDashboard(app, ctx);
  registerAgentRoutes(app, ctx);
  registerAgentCacheRoutes(app, ctx);
  registerAgentTokenRoutes(app, ctx);
  return app;
}
