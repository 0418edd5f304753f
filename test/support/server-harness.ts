// The real `tierci serve` on a loopback port, with its config, tokens and webhook secrets made
// for the test, and helpers to sign and send deliveries and to call its API.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ZERO_SHA } from "../../src/git/git.js";
import { tempDir } from "./git-repo.js";

const CLI = resolve("bin", "tierci.js");

const made: string[] = [];

/** A temporary directory that removeTempDirs() deletes. */
export function harnessDir(prefix: string): string {
  const dir = tempDir(prefix);
  made.push(dir);
  return dir;
}

/** Deletes every directory the harness made (bare copies, server data); call it when the file's tests end. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export const TOKENS = {
  admin: "admin-token-0123456789",
  reader: "reader-token-0123456789",
  trigger: "trigger-token-0123456789",
  agent: "agent-token-0123456789",
};

export interface ServedRepo {
  name: string;
  /** A bare repository the server fetches from. */
  url: string;
  secret: string;
  secretsFile?: string;
  /** More lines of the repository's entry in the config (status:, notify:), indented to sit under it. */
  configLines?: string[];
}

/** A bare copy of a working repository, as a forge would hold it. */
export function bareCopy(workdir: string): string {
  const bare = join(harnessDir("tierci-bare-"), "repo.git");
  const r = spawnSync("git", ["clone", "--quiet", "--bare", workdir, bare], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return bare;
}

/** GitHub's documented example payload for an event (from @octokit/webhooks-examples), first variant. */
export function examplePayload(event: string, match: (p: Record<string, unknown>) => boolean = () => true): Record<string, unknown> {
  const all = createRequire(import.meta.url)("@octokit/webhooks-examples") as { name: string; examples: Record<string, unknown>[] }[];
  const found = all.find((e) => e.name === event)?.examples.find(match);
  if (!found) throw new Error(`no example payload for ${event}`);
  return structuredClone(found);
}

/** GitHub's example push payload, made to say that `sha` was pushed to `ref` of the repository `repo`. */
export function pushPayload(repo: string, sha: string, ref = "refs/heads/main", beforeSha = ZERO_SHA): Record<string, unknown> {
  const payload = examplePayload("push", (p) => String(p["ref"]).startsWith("refs/heads/"));
  return {
    ...payload,
    ref,
    before: beforeSha,
    after: sha,
    deleted: false,
    repository: { ...(payload["repository"] as object), full_name: repo, name: "app", default_branch: "main" },
  };
}

export function signature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface HttpResult {
  status: number;
  body: unknown;
  text: string;
}

export class TestServer {
  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    readonly dataDir: string,
    readonly configFile: string,
    private readonly output: () => string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly exited: Promise<number | null>,
  ) {}

  static async start(
    repos: ServedRepo[],
    opts: { jobs?: number; dataDir?: string; extraEnv?: NodeJS.ProcessEnv; configFile?: string; database?: string; configLines?: string[] } = {},
  ): Promise<TestServer> {
    const dir = harnessDir("tierci-server-");
    const dataDir = opts.dataDir ?? join(dir, "data");
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...opts.extraEnv,
      TIERCI_ADMIN_TOKEN: TOKENS.admin,
      TIERCI_READ_TOKEN: TOKENS.reader,
      TIERCI_TRIGGER_TOKEN: TOKENS.trigger,
      TIERCI_AGENT_TOKEN: TOKENS.agent,
      TIERCI_LOG_LEVEL: "warn",
    };
    const repoLines = repos.map((r, i) => {
      env[`HOOK_SECRET_${i}`] = r.secret;
      return [
        `  - name: ${r.name}`,
        `    url: ${r.url}`,
        `    webhook_secret_env: HOOK_SECRET_${i}`,
        ...(r.secretsFile ? [`    secrets_file: ${r.secretsFile}`] : []),
        ...(r.configLines ?? []).map((l) => `    ${l}`),
      ].join("\n");
    });
    const configFile = opts.configFile ?? join(dir, "tierci-server.yml");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      configFile,
      [
        "listen: 127.0.0.1:0",
        `data: ${dataDir}`,
        ...(opts.database !== undefined ? [`database: ${JSON.stringify(opts.database)}`] : []),
        "tokens:",
        "  - {name: admin, token_env: TIERCI_ADMIN_TOKEN, role: admin}",
        "  - {name: reader, token_env: TIERCI_READ_TOKEN, role: read}",
        "  - {name: bot, token_env: TIERCI_TRIGGER_TOKEN, role: trigger}",
        "  - {name: agents, token_env: TIERCI_AGENT_TOKEN, role: agent}",
        ...(opts.configLines ?? []),
        "repos:",
        ...repoLines,
        "",
      ].join("\n"),
    );
    return TestServer.launch(configFile, dataDir, env, opts.jobs ?? 2);
  }

  /** Another replica: the same config (so the same database), a data directory of its own. */
  async replica(jobs = 0): Promise<TestServer> {
    const dataDir = harnessDir("tierci-replica-");
    const configFile = join(dataDir, "tierci-server.yml");
    writeFileSync(configFile, readFileSync(this.configFile, "utf8").replace(/^data: .*$/m, `data: ${dataDir}/data`));
    return TestServer.launch(configFile, join(dataDir, "data"), this.env, jobs);
  }

  private static async launch(configFile: string, dataDir: string, env: NodeJS.ProcessEnv, jobs: number): Promise<TestServer> {
    const child = spawn(process.execPath, [CLI, "serve", "--config", configFile, "--jobs", String(jobs), "--grace-period", "5s"], {
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    const deadline = Date.now() + 30_000;
    for (;;) {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m?.[1]) return new TestServer(child, m[1], dataDir, configFile, () => out, env, exited);
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`tierci serve did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The same config and data again, after a stop or a kill. */
  restart(jobs = 2): Promise<TestServer> {
    return TestServer.launch(this.configFile, this.dataDir, this.env, jobs);
  }

  log(): string {
    return this.output();
  }

  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill(signal);
    return this.exited;
  }

  async request(
    method: string,
    path: string,
    opts: { token?: string; body?: unknown; raw?: string | Buffer; headers?: Record<string, string> } = {},
  ): Promise<HttpResult> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers["authorization"] = `Bearer ${opts.token}`;
    let body: string | Buffer | undefined = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(`${this.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // text/plain or an event stream
    }
    return { status: res.status, body: parsed, text };
  }

  /** A signed delivery, as GitHub sends it. */
  deliver(repo: ServedRepo, event: string, payload: unknown, opts: { delivery?: string; secret?: string | null } = {}): Promise<HttpResult> {
    const raw = JSON.stringify(payload);
    const headers: Record<string, string> = { "content-type": "application/json", "x-github-event": event, "x-github-delivery": opts.delivery ?? randomUUID() };
    if (opts.secret !== null) headers["x-hub-signature-256"] = signature(opts.secret ?? repo.secret, raw);
    return this.request("POST", "/hooks/github", { raw, headers });
  }

  async run(id: string): Promise<Record<string, unknown>> {
    const r = await this.request("GET", `/api/runs/${id}`, { token: TOKENS.reader });
    if (r.status !== 200) throw new Error(`GET /api/runs/${id}: ${r.status} ${r.text}`);
    return r.body as Record<string, unknown>;
  }

  async waitForRun(id: string, done: (run: Record<string, unknown>) => boolean, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await this.run(id);
      if (done(run)) return run;
      if (Date.now() > deadline) throw new Error(`run ${id} did not get there in time: ${JSON.stringify(run)}\n${this.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  completed(id: string, timeoutMs?: number): Promise<Record<string, unknown>> {
    return this.waitForRun(id, (r) => r["status"] === "completed", timeoutMs);
  }
}
