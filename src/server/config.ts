// The server's configuration file (DESIGN.md "The server"): read, validated and resolved
// (environment variables, paths) before anything starts. Every problem is reported with its
// file:line:col, all at once, so a broken config never starts half a server.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { isMap, isScalar, isSeq, type Node } from "yaml";
import { entries, parseYamlSource, posOf, type YamlSource } from "../workflow/yaml-tree.js";
import { isPostgresUrl, redactUrl } from "../store/index.js";
import { parseDuration } from "../workflow/duration.js";

export type Role = "read" | "trigger" | "admin" | "agent";
export const ROLES: readonly Role[] = ["read", "trigger", "admin", "agent"];

export interface TokenConfig {
  name: string;
  role: Role;
  /** SHA-256 of the token; the token itself is not kept. */
  hash: Buffer;
}

export type NotifyEvent = "failure" | "recovery" | "success";

export interface NotifyConfig {
  kind: "slack" | "discord";
  url: string;
  on: NotifyEvent[];
}

export interface StatusConfig {
  apiUrl: string;
  token: string;
  /** One commit status per workflow (GitHub's own granularity) or per job. */
  per: "workflow" | "job";
  /** Also create a check run per workflow carrying the annotations. */
  checkRuns: boolean;
}

export interface RepoConfig {
  /** `owner/name`, as repository.full_name in webhook payloads. */
  name: string;
  /** What git fetches from; never taken from a payload. */
  url: string;
  webhookSecret: string;
  secretsFile?: string;
  status?: StatusConfig;
  notify: NotifyConfig[];
}

export interface ServerConfig {
  file: string;
  listen: { host: string; port: number };
  data: string;
  database: { kind: "sqlite" } | { kind: "postgres"; url: string };
  /** Where people reach the server, for links in statuses and messages; the address it listens on when absent. */
  publicUrl?: string;
  tokens: TokenConfig[];
  repos: RepoConfig[];
  /** How long an agent's lease on a job lasts after its last call. */
  agentLeaseMs: number;
}

export interface ConfigProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`).join("\n"));
  }
}

export function hashToken(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** A small reader over the YAML nodes that records positioned problems instead of throwing. */
class Reader {
  readonly problems: ConfigProblem[] = [];

  constructor(
    readonly src: YamlSource,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  problem(node: unknown, message: string): void {
    const p = posOf(this.src, node);
    this.problems.push({ file: this.src.file, line: p.line, col: p.col, message });
  }

  /** The entries of a mapping; unknown keys are problems. */
  mapping(node: Node | undefined, what: string, known: readonly string[]): Map<string, Node | undefined> {
    const out = new Map<string, Node | undefined>();
    if (node === undefined) return out;
    if (!isMap(node)) {
      this.problem(node, `${what} must be a mapping`);
      return out;
    }
    for (const e of entries(this.src, node)) {
      if (!known.includes(e.key)) this.problem(e.keyNode, `unknown key '${e.key}' in ${what}; known keys: ${known.join(", ")}`);
      else out.set(e.key, e.value);
    }
    return out;
  }

  list(node: Node | undefined, what: string): Node[] {
    if (node === undefined) return [];
    if (!isSeq(node)) {
      this.problem(node, `${what} must be a list`);
      return [];
    }
    return node.items as Node[];
  }

  text(node: Node | undefined, what: string, required: boolean): string | undefined {
    if (node === undefined || (isScalar(node) && node.value === null)) {
      if (required) this.problem(node, `${what} is required`);
      return undefined;
    }
    if (!isScalar(node) || typeof node.value === "object") {
      this.problem(node, `${what} must be text`);
      return undefined;
    }
    return String(node.value);
  }

  /** The value of the environment variable a `*_env` key names; it must be set and not empty. */
  fromEnv(node: Node | undefined, what: string, required: boolean): string | undefined {
    const name = this.text(node, what, required);
    if (name === undefined) return undefined;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      this.problem(node, `${what} names an environment variable; '${name}' is not a variable name`);
      return undefined;
    }
    const value = this.env[name];
    if (value === undefined || value === "") {
      this.problem(node, `${what}: the environment variable ${name} is not set (set it before starting the server)`);
      return undefined;
    }
    return value;
  }
}

/** `HOST:PORT` or `[V6]:PORT`; undefined when it is neither. */
export function listenAddress(text: string): { host: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:]+\]|[^:\s]+):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535) return undefined;
  return { host: (m[1] as string).replace(/^\[|\]$/g, ""), port };
}

function parseListen(r: Reader, node: Node | undefined, fallback: string): { host: string; port: number } {
  const text = r.text(node, "listen", false) ?? fallback;
  const address = listenAddress(text);
  if (!address) r.problem(node, `listen must be HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080), got '${text}'`);
  return address ?? { host: "127.0.0.1", port: 8080 };
}

function readTokens(r: Reader, node: Node | undefined): TokenConfig[] {
  const tokens: TokenConfig[] = [];
  for (const item of r.list(node, "tokens")) {
    const f = r.mapping(item, "a token", ["name", "token_env", "role"]);
    const name = r.text(f.get("name"), "tokens[].name", true);
    const role = r.text(f.get("role"), "tokens[].role", true);
    const token = r.fromEnv(f.get("token_env"), "tokens[].token_env", true);
    if (role !== undefined && !ROLES.includes(role as Role)) r.problem(f.get("role"), `role must be one of ${ROLES.join(", ")}, got '${role}'`);
    if (token !== undefined && token.length < 16) r.problem(f.get("token_env"), "a token must be at least 16 characters long");
    if (name === undefined || role === undefined || token === undefined || !ROLES.includes(role as Role)) continue;
    if (tokens.some((t) => t.name === name)) r.problem(f.get("name"), `a token named '${name}' is defined twice`);
    tokens.push({ name, role: role as Role, hash: hashToken(token) });
  }
  return tokens;
}

function readStatus(r: Reader, node: Node | undefined): StatusConfig | undefined {
  if (node === undefined) return undefined;
  const f = r.mapping(node, "status", ["api_url", "token_env", "per", "check_runs"]);
  const apiUrl = r.text(f.get("api_url"), "status.api_url", false) ?? "https://api.github.com";
  const token = r.fromEnv(f.get("token_env"), "status.token_env", true);
  const per = r.text(f.get("per"), "status.per", false) ?? "workflow";
  if (per !== "workflow" && per !== "job") r.problem(f.get("per"), `status.per must be workflow or job, got '${per}'`);
  const checkRuns = r.text(f.get("check_runs"), "status.check_runs", false) ?? "true";
  if (!/^https?:\/\//.test(apiUrl)) r.problem(f.get("api_url"), `status.api_url must be an http(s) URL, got '${apiUrl}'`);
  if (token === undefined) return undefined;
  return { apiUrl: apiUrl.replace(/\/+$/, ""), token, per: per === "job" ? "job" : "workflow", checkRuns: checkRuns === "true" };
}

function readNotify(r: Reader, node: Node | undefined): NotifyConfig[] {
  const out: NotifyConfig[] = [];
  for (const item of r.list(node, "notify")) {
    const f = r.mapping(item, "a notification", ["kind", "url_env", "on"]);
    const kind = r.text(f.get("kind"), "notify[].kind", true);
    if (kind !== undefined && kind !== "slack" && kind !== "discord") r.problem(f.get("kind"), `notify kind must be slack or discord, got '${kind}'`);
    const url = r.fromEnv(f.get("url_env"), "notify[].url_env", true);
    const on: NotifyEvent[] = [];
    for (const e of r.list(f.get("on"), "notify[].on")) {
      const v = r.text(e, "notify[].on", true);
      if (v === "failure" || v === "recovery" || v === "success") on.push(v);
      else if (v !== undefined) r.problem(e, `notify on takes failure, recovery and success, got '${v}'`);
    }
    if ((kind === "slack" || kind === "discord") && url !== undefined) out.push({ kind, url, on: on.length > 0 ? on : ["failure", "recovery"] });
  }
  return out;
}

function readRepos(r: Reader, node: Node | undefined, base: string): RepoConfig[] {
  const repos: RepoConfig[] = [];
  const items = r.list(node, "repos");
  if (node === undefined || items.length === 0) r.problem(node ?? r.src.doc.contents, "repos: list at least one repository");
  for (const item of items) {
    const f = r.mapping(item, "a repository", ["name", "url", "webhook_secret_env", "secrets_file", "status", "notify"]);
    const name = r.text(f.get("name"), "repos[].name", true);
    if (name !== undefined && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(name)) r.problem(f.get("name"), `repos[].name must be owner/name, got '${name}'`);
    if (name !== undefined && repos.some((x) => x.name.toLowerCase() === name.toLowerCase())) r.problem(f.get("name"), `repository '${name}' is listed twice`);
    const url = r.text(f.get("url"), "repos[].url", true);
    const secret = r.fromEnv(f.get("webhook_secret_env"), "repos[].webhook_secret_env", true);
    const secretsFile = r.text(f.get("secrets_file"), "repos[].secrets_file", false);
    const status = readStatus(r, f.get("status"));
    const notify = readNotify(r, f.get("notify"));
    if (name === undefined || url === undefined || secret === undefined) continue;
    const local = !/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^[^/]+@[^:]+:/.test(url);
    repos.push({
      name,
      url: local ? resolve(base, url) : url,
      webhookSecret: secret,
      ...(secretsFile !== undefined ? { secretsFile: isAbsolute(secretsFile) ? secretsFile : resolve(base, secretsFile) } : {}),
      ...(status ? { status } : {}),
      notify,
    });
  }
  return repos;
}

/** `agents: {lease: 30s}`: how long a lease outlives an agent's last call (2 s to 10 min). */
function readAgents(r: Reader, node: Node | undefined, database: "sqlite" | "postgres"): number {
  const f = r.mapping(node, "agents", ["lease"]);
  if (node !== undefined && database !== "postgres") r.problem(node, "agents need the database to be Postgres (database: postgres://...)");
  const text = r.text(f.get("lease"), "agents.lease", false);
  if (text === undefined) return 30_000;
  const ms = parseDuration(text);
  if (ms === undefined || ms < 2000 || ms > 600_000) r.problem(f.get("lease"), `agents.lease must be a duration from 2s to 10m, got '${text}'`);
  return ms ?? 30_000;
}

/** Reads and checks the config; throws ConfigError listing every problem. */
export function loadServerConfig(file: string, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError([{ file, line: 1, col: 1, message: `cannot read the config: ${(err as Error).message}` }]);
  }
  const src = parseYamlSource(file, text);
  const r = new Reader(src, env);
  for (const e of src.doc.errors) r.problems.push({ file, line: e.linePos?.[0]?.line ?? 1, col: e.linePos?.[0]?.col ?? 1, message: e.message });
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  const base = dirname(resolve(file));
  const top = r.mapping(src.doc.contents as Node, "the config", ["listen", "data", "database", "public_url", "tokens", "repos", "agents"]);
  const listen = parseListen(r, top.get("listen"), "127.0.0.1:8080");
  const data = resolve(base, r.text(top.get("data"), "data", false) ?? "./tierci-data");
  const dbText = r.text(top.get("database"), "database", false) ?? "sqlite";
  let database: ServerConfig["database"] = { kind: "sqlite" };
  if (isPostgresUrl(dbText)) database = { kind: "postgres", url: dbText };
  else if (dbText !== "sqlite")
    r.problem(
      top.get("database"),
      `database must be sqlite or a postgres:// URL, got '${/^[a-z][a-z0-9+.-]*:\/\//i.test(dbText) ? redactUrl(dbText) : dbText}'`,
    );
  const publicUrl = r.text(top.get("public_url"), "public_url", false)?.replace(/\/+$/, "");
  if (publicUrl !== undefined && !/^https?:\/\//.test(publicUrl)) r.problem(top.get("public_url"), `public_url must be an http(s) URL, got '${publicUrl}'`);
  const tokens = readTokens(r, top.get("tokens"));
  const repos = readRepos(r, top.get("repos"), base);
  const agentLeaseMs = readAgents(r, top.get("agents"), database.kind);
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return { file, listen, data, database, ...(publicUrl !== undefined ? { publicUrl } : {}), tokens, repos, agentLeaseMs };
}
