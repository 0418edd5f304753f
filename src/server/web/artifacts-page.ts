// A run's artifacts: the files of each, listed from its manifest, and each file downloaded as it
// is stored. Only paths the manifest lists are served, so no request can reach outside the store.
import { createReadStream } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { artifactDir, listArtifacts, type ArtifactManifest } from "../../actions/artifacts/store.js";
import type { ServerContext } from "../http/context.js";
import type { ServerRun } from "../server-db.js";
import { errorPage, sessionOf } from "./dashboard.js";
import { html } from "./html.js";
import { page } from "./layout.js";
import { RUN_PARAMS } from "./params.js";

const PARAMS = { ...RUN_PARAMS, properties: { ...RUN_PARAMS.properties, name: { type: "string", minLength: 1, maxLength: 255 } } } as const;

/** Where the run queue keeps a repository's artifacts (run-queue.ts: `<data>/state/<repo>`). */
function stateDirOf(ctx: ServerContext, run: ServerRun): string {
  return join(ctx.config.data, "state", run.repo);
}

async function artifactOf(ctx: ServerContext, id: string, name: string): Promise<{ run: ServerRun; artifact: ArtifactManifest } | string> {
  const run = ctx.db.getRun(id);
  if (!run?.pipelineRunId) return `There is no run ${id} with artifacts.`;
  const artifact = (await listArtifacts(stateDirOf(ctx, run), run.pipelineRunId)).find((a) => a.name === name);
  return artifact ? { run, artifact } : `Run ${run.repo} #${run.number} has no artifact '${name}' (it may have expired).`;
}

export function artifactLink(run: ServerRun, name: string): string {
  return `/runs/${run.id}/artifacts/${encodeURIComponent(name)}`;
}

export function registerArtifactPages(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Params: { id: string; name: string } }>(
    "/runs/:id/artifacts/:name",
    { config: { page: "read" }, schema: { params: PARAMS } },
    async (req, reply) => {
      const session = sessionOf(req);
      const found = await artifactOf(ctx, req.params.id, req.params.name);
      if (typeof found === "string") return errorPage(reply, 404, session, found);
      const { run, artifact } = found;
      const body = html`<p><a href="/runs/${run.id}">← ${run.repo} #${run.number}</a></p>
        <h1>Artifact ${artifact.name}</h1>
        <p class="meta">From ${artifact.job}; kept until ${artifact.expires.slice(0, 10)}.</p>
        <ul id="artifact-files">
          ${artifact.files.map(
            (f) =>
              html`<li>
                <a href="${artifactLink(run, artifact.name)}/download?path=${encodeURIComponent(f.path)}" download>${f.path}</a>
                <span class="muted">${(f.size / 1024).toFixed(1)} KB</span>
              </li>`,
          )}
        </ul>`;
      return reply.type("text/html; charset=utf-8").send(page(`Artifact ${artifact.name}`, session, body));
    },
  );

  app.get<{ Params: { id: string; name: string }; Querystring: { path: string } }>(
    "/runs/:id/artifacts/:name/download",
    {
      config: { page: "read" },
      schema: { params: PARAMS, querystring: { type: "object", required: ["path"], properties: { path: { type: "string", minLength: 1, maxLength: 4096 } } } },
    },
    async (req, reply) => {
      const session = sessionOf(req);
      const found = await artifactOf(ctx, req.params.id, req.params.name);
      if (typeof found === "string") return errorPage(reply, 404, session, found);
      const file = found.artifact.files.find((f) => f.path === req.query.path);
      if (!file) return errorPage(reply, 404, session, `The artifact '${found.artifact.name}' has no file '${req.query.path}'.`);
      const dir = artifactDir(stateDirOf(ctx, found.run), found.artifact.runId, found.artifact.name);
      const base = file.path.slice(file.path.lastIndexOf("/") + 1);
      return reply
        .type("application/octet-stream")
        .header("content-length", file.size)
        .header("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(base)}`)
        .send(createReadStream(join(dir, "files", file.path)));
    },
  );
}
