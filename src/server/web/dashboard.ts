// The dashboard served at `/`: server-rendered pages behind a session cookie. Each page states the
// role it needs in its `config.page`; without a session a page redirects to the login form (other
// requests get 401), a role too low gets 403, and every POST must carry the session's CSRF token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { allows } from "../auth.js";
import type { Role } from "../config.js";
import type { ServerContext } from "../http/context.js";
import { registerArtifactPages } from "./artifacts-page.js";
import { registerDispatchPage } from "./dispatch-page.js";
import { registerHealthPages } from "./health-page.js";
import { page } from "./layout.js";
import { html } from "./html.js";
import { registerLogPage } from "./log-page.js";
import { registerLogin } from "./login.js";
import { registerRunPage } from "./run-page.js";
import { registerRunsPage } from "./runs-page.js";
import { parseCookies, sameToken, SESSION_COOKIE, Sessions, type Session } from "./sessions.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The role a dashboard page needs, held by the session's token. */
    page?: Role;
  }
  interface FastifyRequest {
    session: Session | undefined;
  }
}

const FORM_BYTES = 256 * 1024;

// Pages load only their own stylesheet and script; nothing inline runs, so injected markup could not either.
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
};

/** The session of a page request; routes with `config.page` always have one. */
export function sessionOf(req: FastifyRequest): Session {
  if (!req.session) throw new Error("a dashboard page ran without a session");
  return req.session;
}

export function errorPage(reply: FastifyReply, code: number, session: Session | undefined, message: string): FastifyReply {
  const body = html`<h1>${code === 404 ? "Not found" : code === 403 ? "Not allowed" : "Cannot do that"}</h1>
    <p class="error" role="alert">${message}</p>
    <p><a href="/">Back to the runs</a></p>`;
  return reply
    .code(code)
    .type("text/html; charset=utf-8")
    .send(page(`Error ${code}`, session, body));
}

/** Whether the browser reached us over TLS (directly, or as the configured public URL says). */
export function overTls(req: FastifyRequest, ctx: ServerContext): boolean {
  return req.protocol === "https" || (ctx.config.publicUrl ?? "").startsWith("https:");
}

export function registerDashboard(app: FastifyInstance, ctx: ServerContext): void {
  app.register(async (scope) => {
    const sessions = new Sessions();
    scope.decorateRequest("session", undefined);
    scope.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: FORM_BYTES }, (_req, body, done) => {
      const fields: Record<string, string> = {};
      for (const [k, v] of new URLSearchParams(String(body))) if (!(k in fields)) fields[k] = v;
      done(null, fields);
    });

    scope.addHook("onSend", async (_req, reply, payload) => {
      reply.headers(SECURITY_HEADERS);
      return payload;
    });

    scope.addHook("onRequest", async (req, reply) => {
      const needed = req.routeOptions.config.page;
      if (needed === undefined) return;
      const session = sessions.get(parseCookies(req.headers.cookie).get(SESSION_COOKIE));
      if (!session) {
        const wantsPage = req.method === "GET" && (req.headers.accept ?? "").includes("text/html");
        if (wantsPage)
          return reply
            .code(303)
            .header("location", `/login?next=${encodeURIComponent(req.url)}`)
            .send();
        return reply.code(401).send({ error: "log in first: no dashboard session" });
      }
      req.session = session;
      if (!allows(session.caller, needed))
        return errorPage(reply, 403, session, `You are logged in as '${session.caller.name}' with role ${session.caller.role}; this needs ${needed}.`);
    });

    scope.addHook("preHandler", async (req, reply) => {
      if (req.method !== "POST" || !req.session) return;
      const sent = (req.body as Record<string, string> | undefined)?.["_csrf"];
      if (!sameToken(sent, req.session.csrf))
        return errorPage(reply, 403, req.session, "The form's security token is missing or stale. Reload the page and try again.");
    });

    registerLogin(scope, ctx, sessions);
    registerRunsPage(scope, ctx);
    registerRunPage(scope, ctx);
    registerArtifactPages(scope, ctx);
    registerLogPage(scope, ctx);
    registerDispatchPage(scope, ctx);
    registerHealthPages(scope, ctx);
  });
}
