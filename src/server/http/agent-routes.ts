// /api/agent: what agents call (docs/agent-protocol.md). Every route takes agent tokens only; a
// lease names its job's secrets and nothing else; everything an agent reports is checked and
// masked with the job's secrets again before it is recorded.
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply } from "fastify";
import { REMOTE_PROTOCOL, type JobEvent, type JobOutcome } from "../../pipeline/remote-job.js";
import { Masker } from "../../runner/masker.js";
import { maskAnnotation, maskStep } from "../../runner/masking-sink.js";
import type { AgentServices } from "../queue/agent-services.js";
import { BlobConflict, isDigest } from "../queue/blob-store.js";
import { blobsOf, isJobEvent, outcomeProblem } from "../queue/wire-checks.js";
import { readSecretsFile } from "../secrets-file.js";
import type { ServerContext } from "./context.js";

const LABEL = "^[A-Za-z0-9._-]{1,64}$";
const LEASE_WAIT_MS = 25_000;
const CHUNK_BYTES = 8 * 1024 * 1024;
const JOB = { type: "object", properties: { id: { type: "integer", minimum: 1 } } } as const;
const LEASED = { type: "object", required: ["lease"], properties: { lease: { type: "string", minLength: 1, maxLength: 100 } } } as const;

function secretsOf(ctx: ServerContext, repo: string, names: readonly string[]): Record<string, string> {
  const config = ctx.config.repos.find((r) => r.name === repo);
  const all = config?.secretsFile ? readSecretsFile(config.secretsFile) : {};
  return Object.fromEntries(names.filter((n) => Object.hasOwn(all, n)).map((n) => [n, all[n] as string]));
}

function maskEvent(e: JobEvent, m: Masker): JobEvent {
  if (e.t === "step-start") return { t: e.t, step: maskStep(e.step, m) };
  if (e.t === "step-end") return { t: e.t, record: maskStep(e.record, m) };
  if (e.t === "log") return { ...e, line: m.mask(e.line) };
  return { ...e, annotation: maskAnnotation(e.annotation, m) };
}

function maskOutcome(o: JobOutcome, m: Masker): JobOutcome {
  return {
    ...o,
    outputs: Object.fromEntries(Object.entries(o.outputs).map(([k, v]) => [k, m.mask(v)])),
    steps: o.steps.map((s) => maskStep(s, m)),
    summary: m.mask(o.summary),
    reports: JSON.parse(m.mask(JSON.stringify(o.reports))) as JobOutcome["reports"],
  };
}

export function registerAgentRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.register(async (scope) => {
    scope.addContentTypeParser("application/octet-stream", { parseAs: "buffer", bodyLimit: CHUNK_BYTES }, (_req, body, done) => done(null, body));
    const services = (reply: FastifyReply): AgentServices | undefined => {
      if (!ctx.agents) void reply.code(503).send({ error: "agents need the server's database to be Postgres (database: postgres://... in the config)" });
      return ctx.agents;
    };
    const tokenName = (caller: { name: string } | undefined): string => caller?.name ?? "";
    /** The job's secrets masker, when the lease is held by this caller; 409 otherwise. */
    const held = async (a: AgentServices, id: number, lease: string, caller: string, reply: FastifyReply): Promise<Masker | undefined> => {
      const job = await a.queue.heldBy(id, lease, caller);
      if (!job) {
        void reply.code(409).send({ error: `job ${id} is not leased to this agent any more` });
        return undefined;
      }
      const m = new Masker();
      for (const v of Object.values(secretsOf(ctx, job.repo, job.spec.secretNames))) m.addSecret(v);
      return m;
    };

    scope.post<{ Body: { name: string; labels: string[]; protocol: number } }>(
      "/api/agent/lease",
      {
        config: { role: "agent" },
        schema: {
          body: {
            type: "object",
            required: ["name", "labels", "protocol"],
            additionalProperties: false,
            properties: {
              name: { type: "string", pattern: LABEL },
              labels: { type: "array", maxItems: 50, items: { type: "string", pattern: LABEL } },
              protocol: { type: "integer" },
            },
          },
        },
      },
      async (req, reply) => {
        const a = services(reply);
        if (!a) return reply;
        if (req.body.protocol !== REMOTE_PROTOCOL)
          return reply
            .code(409)
            .send({ error: `this server speaks agent protocol ${REMOTE_PROTOCOL} and the agent ${req.body.protocol}: run the same tierci version on both` });
        // The agent hung up before an answer (the request's own close event only says its body was read).
        const gone = new AbortController();
        reply.raw.on("close", () => {
          if (!reply.raw.writableFinished) gone.abort();
        });
        const labels = [...new Set(req.body.labels.map((l) => l.toLowerCase()))];
        const job = await a.queue.leaseWait({ name: req.body.name, tokenName: tokenName(req.caller), labels }, LEASE_WAIT_MS, gone.signal);
        if (!job) return { job: null };
        if (gone.signal.aborted) {
          await a.queue.release(job.id, job.lease);
          return reply;
        }
        let secrets: Record<string, string>;
        try {
          secrets = secretsOf(ctx, job.repo, job.spec.secretNames);
        } catch (err) {
          await a.queue.release(job.id, job.lease);
          req.log.error({ err }, "could not read a repository's secrets for a lease");
          return reply.code(503).send({ error: "the server cannot read the repository's secrets file; the job went back to the queue" });
        }
        return {
          job: {
            id: job.id,
            lease: job.lease,
            spec: job.spec,
            secrets,
            source: { blob: job.source, sha: job.sha },
            artifacts: job.artifacts,
            lease_ms: a.queue.leaseMs,
          },
        };
      },
    );

    scope.post<{ Params: { id: number }; Body: { lease: string; events: unknown[] } }>(
      "/api/agent/jobs/:id/events",
      {
        config: { role: "agent" },
        bodyLimit: 2 * 1024 * 1024,
        schema: {
          params: JOB,
          body: { ...LEASED, required: ["lease", "events"], properties: { ...LEASED.properties, events: { type: "array", maxItems: 1000 } } },
        },
      },
      async (req, reply) => {
        const a = services(reply);
        if (!a) return reply;
        const bad = req.body.events.findIndex((e) => !isJobEvent(e));
        if (bad >= 0) return reply.code(400).send({ error: `events[${bad}] is not a step, log or annotation event` });
        const m = await held(a, req.params.id, req.body.lease, tokenName(req.caller), reply);
        if (!m) return reply;
        const check = await a.queue.report(
          req.params.id,
          req.body.lease,
          (req.body.events as JobEvent[]).map((e) => maskEvent(e, m)),
        );
        return check.held ? { cancel: check.cancel } : reply.code(409).send({ error: `job ${req.params.id} is not leased to this agent any more` });
      },
    );

    scope.post<{ Params: { id: number }; Body: { lease: string; starting?: boolean } }>(
      "/api/agent/jobs/:id/heartbeat",
      {
        config: { role: "agent" },
        schema: { params: JOB, body: { ...LEASED, additionalProperties: false, properties: { ...LEASED.properties, starting: { type: "boolean" } } } },
      },
      async (req, reply) => {
        const a = services(reply);
        if (!a) return reply;
        if (!(await held(a, req.params.id, req.body.lease, tokenName(req.caller), reply))) return reply;
        const check = await a.queue.report(req.params.id, req.body.lease, [], req.body.starting === true);
        return check.held ? { cancel: check.cancel } : reply.code(409).send({ error: `job ${req.params.id} is not leased to this agent any more` });
      },
    );

    scope.post<{ Params: { id: number }; Body: { lease: string; outcome: unknown } }>(
      "/api/agent/jobs/:id/complete",
      {
        config: { role: "agent" },
        bodyLimit: 16 * 1024 * 1024,
        schema: { params: JOB, body: { ...LEASED, required: ["lease", "outcome"], properties: { ...LEASED.properties, outcome: {} } } },
      },
      async (req, reply) => {
        const a = services(reply);
        if (!a) return reply;
        const problem = outcomeProblem(req.body.outcome);
        if (problem) return reply.code(400).send({ error: problem });
        const outcome = req.body.outcome as JobOutcome;
        for (const blob of blobsOf(outcome)) {
          if (!(await a.blobs.status(blob)).complete) return reply.code(422).send({ error: `blob ${blob} is not uploaded and committed` });
        }
        const state = await a.queue.state(req.params.id);
        const m = state?.status === "done" ? new Masker() : await held(a, req.params.id, req.body.lease, tokenName(req.caller), reply);
        if (!m) return reply;
        if (!(await a.queue.complete(req.params.id, req.body.lease, maskOutcome(outcome, m))))
          return reply.code(409).send({ error: `job ${req.params.id} is not leased to this agent any more` });
        return {};
      },
    );

    scope.post<{ Params: { id: number }; Body: { lease: string } }>(
      "/api/agent/jobs/:id/release",
      { config: { role: "agent" }, schema: { params: JOB, body: LEASED } },
      async (req, reply) => {
        const a = services(reply);
        if (!a) return reply;
        if (!(await held(a, req.params.id, req.body.lease, tokenName(req.caller), reply))) return reply;
        return (await a.queue.release(req.params.id, req.body.lease))
          ? {}
          : reply.code(409).send({ error: "a step of the job has started: it cannot go back" });
      },
    );

    const DIGEST = { type: "object", properties: { digest: { type: "string", pattern: "^[0-9a-f]{64}$" } } } as const;
    scope.get<{ Params: { digest: string } }>(
      "/api/agent/blobs/:digest/status",
      { config: { role: "agent" }, schema: { params: DIGEST } },
      async (req, reply) => {
        const a = services(reply);
        return a ? a.blobs.status(req.params.digest) : reply;
      },
    );

    scope.put<{ Params: { digest: string }; Querystring: { offset: number }; Body: Buffer }>(
      "/api/agent/blobs/:digest",
      {
        config: { role: "agent" },
        schema: { params: DIGEST, querystring: { type: "object", required: ["offset"], properties: { offset: { type: "integer", minimum: 0 } } } },
      },
      async (req, reply) => {
        const a = services(reply);
        if (!a) return reply;
        if (!Buffer.isBuffer(req.body)) return reply.code(415).send({ error: "send the bytes as application/octet-stream" });
        try {
          return { size: await a.blobs.append(req.params.digest, req.query.offset, req.body) };
        } catch (err) {
          if (err instanceof BlobConflict)
            return reply.code(409).send({ error: `the server has ${err.size} bytes of this blob: continue from there`, size: err.size });
          throw err;
        }
      },
    );

    scope.post<{ Params: { digest: string } }>(
      "/api/agent/blobs/:digest/commit",
      { config: { role: "agent" }, schema: { params: DIGEST } },
      async (req, reply) => {
        const a = services(reply);
        if (!a) return reply;
        return (await a.blobs.commit(req.params.digest))
          ? {}
          : reply.code(422).send({ error: "the bytes do not hash to the blob's name; the upload was dropped, start again from 0" });
      },
    );

    scope.get<{ Params: { digest: string } }>("/api/agent/blobs/:digest", { config: { role: "agent" }, schema: { params: DIGEST } }, async (req, reply) => {
      const a = services(reply);
      if (!a) return reply;
      const { digest } = req.params;
      const readable = (await a.queue.mayRead(tokenName(req.caller), digest)) || (await a.caches.readable(tokenName(req.caller), digest));
      if (!isDigest(digest) || !readable || !(await a.blobs.status(digest)).complete)
        return reply.code(404).send({ error: `no blob ${digest} for this agent` });
      const { size } = await a.blobs.status(digest);
      return reply
        .type("application/octet-stream")
        .header("content-length", String(size))
        .send(Readable.from(a.blobs.chunks(digest)));
    });
  });
}
