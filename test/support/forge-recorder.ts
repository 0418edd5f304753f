// A stand-in for GitHub's REST API and for Slack and Discord webhooks on a loopback port: it
// records every request, checks GitHub's against the published REST description
// (@octokit/openapi), and can answer with errors or not at all, to test retries.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

export interface Recorded {
  method: string;
  path: string;
  body: Record<string, unknown>;
  authorization: string | undefined;
  /** Problems with the request against GitHub's REST description; empty when it conforms. */
  problems: string[];
}

type Behaviour = "ok" | "fail" | "hang";

interface Operation {
  pattern: RegExp;
  method: string;
  openapiPath: string;
}

const GITHUB_OPERATIONS: Operation[] = [
  { method: "POST", pattern: /^\/repos\/[^/]+\/[^/]+\/statuses\/[0-9a-f]{40}$/, openapiPath: "/repos/{owner}/{repo}/statuses/{sha}" },
  { method: "POST", pattern: /^\/repos\/[^/]+\/[^/]+\/check-runs$/, openapiPath: "/repos/{owner}/{repo}/check-runs" },
  { method: "PATCH", pattern: /^\/repos\/[^/]+\/[^/]+\/check-runs\/\d+$/, openapiPath: "/repos/{owner}/{repo}/check-runs/{check_run_id}" },
];

let validators: Map<string, ValidateFunction> | undefined;

/** The request body schemas of the operations tierci calls, from GitHub's published description. */
function githubValidators(): Map<string, ValidateFunction> {
  if (validators) return validators;
  const spec = createRequire(import.meta.url)("@octokit/openapi/generated/api.github.com.deref.json") as {
    paths: Record<string, Record<string, { requestBody: { content: { "application/json": { schema: object } } } }>>;
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  validators = new Map(
    GITHUB_OPERATIONS.map((op) => [
      `${op.method} ${op.openapiPath}`,
      ajv.compile(spec.paths[op.openapiPath]?.[op.method.toLowerCase()]?.requestBody.content["application/json"].schema ?? {}),
    ]),
  );
  return validators;
}

function githubProblems(method: string, path: string, body: unknown): string[] {
  const op = GITHUB_OPERATIONS.find((o) => o.method === method && o.pattern.test(path));
  if (!op) return [`${method} ${path} is not an operation tierci should call`];
  const validate = githubValidators().get(`${method} ${op.openapiPath}`);
  if (!validate || validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`);
}

function chatProblems(path: string, body: Record<string, unknown>): string[] {
  if (path === "/slack") return typeof body["text"] === "string" && (body["text"] as string).length > 0 ? [] : ["a Slack message needs text"];
  const content = body["content"];
  if (typeof content !== "string" || content.length === 0) return ["a Discord message needs content"];
  return content.length > 2000 ? [`Discord content is ${content.length} characters; the limit is 2000`] : [];
}

export class ForgeRecorder {
  readonly requests: Recorded[] = [];
  private readonly server: Server;
  private behaviours: Behaviour[] = [];
  private nextId = 1000;
  url = "";

  constructor() {
    this.server = createServer((req, res) => this.serve(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((done) => this.server.listen(0, "127.0.0.1", done));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    return this;
  }

  /** The next requests get these answers, in order; then "ok". */
  answerNext(...behaviours: Behaviour[]): void {
    this.behaviours.push(...behaviours);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((done) => this.server.close(() => done()));
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    let raw = "";
    req.on("data", (d: Buffer) => (raw += d.toString()));
    req.on("end", () => {
      const behaviour = this.behaviours.shift() ?? "ok";
      if (behaviour === "hang") return;
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // recorded as empty; the checks below say what is wrong
      }
      const method = req.method ?? "";
      const path = (req.url ?? "").split("?")[0] ?? "";
      const chat = path === "/slack" || path === "/discord";
      this.requests.push({
        method,
        path,
        body,
        authorization: req.headers.authorization,
        problems: chat ? chatProblems(path, body) : githubProblems(method, path, body),
      });
      if (behaviour === "fail") return void res.writeHead(500, { "content-type": "application/json" }).end('{"message":"Server Error"}');
      if (chat) return void res.writeHead(path === "/slack" ? 200 : 204).end(path === "/slack" ? "ok" : undefined);
      res
        .writeHead(method === "PATCH" ? 200 : 201, { "content-type": "application/json" })
        .end(JSON.stringify({ id: method === "PATCH" ? Number(path.split("/").pop()) : this.nextId++ }));
    });
  }
}
