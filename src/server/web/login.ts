// Login with a token from the server's config, logout, and the dashboard's two static assets.
// The token is checked once and never stored in the browser: the session cookie stands for it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { allows, callerOf } from "../auth.js";
import type { ServerContext } from "../http/context.js";
import { DASHBOARD_JS } from "./client.js";
import { overTls } from "./dashboard.js";
import { html } from "./html.js";
import { page } from "./layout.js";
import { cookie, LOGIN_COOKIE, parseCookies, randomToken, sameToken, SESSION_COOKIE, type Sessions } from "./sessions.js";
import { DASHBOARD_CSS } from "./styles.js";

/** Where to go after login: a path on this server only, never another site. */
function safeNext(next: unknown): string {
  return typeof next === "string" && /^\/(?![/\\])[\x21-\x7e]{0,2000}$/.test(next) && !next.startsWith("/login") ? next : "/";
}

function loginForm(reply: FastifyReply, req: FastifyRequest, ctx: ServerContext, next: string, error?: string, code = 401): FastifyReply {
  const csrf = randomToken();
  const body = html`<h1>Log in</h1>
    <form method="post" action="/login" class="login">
      <input type="hidden" name="_csrf" value="${csrf}" /><input type="hidden" name="next" value="${next}" />
      <div class="field">
        <label for="token">Token</label>
        <input
          type="password"
          id="token"
          name="token"
          autocomplete="current-password"
          required
          maxlength="4096"
          ${error ? html` aria-invalid="true" aria-describedby="token-error"` : ""}
        />
        <div class="hint">A token from the server's config (tokens: in tierci-server.yml).</div>
        ${error ? html`<p class="field-error" id="token-error" role="alert">${error}</p>` : ""}
      </div>
      <button type="submit">Log in</button>
    </form>`;
  return reply
    .code(error ? code : 200)
    .header("set-cookie", cookie(LOGIN_COOKIE, csrf, { secure: overTls(req, ctx), maxAgeSeconds: 3600 }))
    .header("cache-control", "no-store")
    .type("text/html; charset=utf-8")
    .send(page("Log in", undefined, body));
}

export function registerLogin(app: FastifyInstance, ctx: ServerContext, sessions: Sessions): void {
  app.get("/assets/dashboard.css", async (_req, reply) =>
    reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600").send(DASHBOARD_CSS),
  );
  app.get("/assets/dashboard.js", async (_req, reply) =>
    reply.type("text/javascript; charset=utf-8").header("cache-control", "public, max-age=3600").send(DASHBOARD_JS),
  );

  app.get<{ Querystring: { next?: string } }>(
    "/login",
    { schema: { querystring: { type: "object", properties: { next: { type: "string", maxLength: 2000 } } } } },
    async (req, reply) => loginForm(reply, req, ctx, safeNext(req.query.next)),
  );

  app.post<{ Body: Record<string, string> }>("/login", async (req, reply) => {
    const body = req.body ?? {};
    const next = safeNext(body["next"]);
    if (!sameToken(body["_csrf"], parseCookies(req.headers.cookie).get(LOGIN_COOKIE)))
      return loginForm(reply, req, ctx, next, "The login form expired; enter the token again.", 403);
    const caller = callerOf(body["token"], ctx.config.tokens);
    // Agent tokens serve agents only: they open no dashboard session.
    if (!caller || !allows(caller, "read")) return loginForm(reply, req, ctx, next, "That token is not one of the server's dashboard tokens.");
    const session = sessions.create(caller);
    return reply
      .code(303)
      .header("set-cookie", [
        cookie(SESSION_COOKIE, session.id, { secure: overTls(req, ctx) }),
        cookie(LOGIN_COOKIE, "", { secure: overTls(req, ctx), maxAgeSeconds: 0 }),
      ])
      .header("location", next)
      .send();
  });

  app.post("/logout", { config: { page: "read" } }, async (req, reply) => {
    if (req.session) sessions.end(req.session.id);
    return reply
      .code(303)
      .header("set-cookie", cookie(SESSION_COOKIE, "", { secure: overTls(req, ctx), maxAgeSeconds: 0 }))
      .header("location", "/login")
      .send();
  });
}
