import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ConfigError, hashToken, loadServerConfig } from "./config.js";

const dir = mkdtempSync(join(tmpdir(), "tierci-config-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const ENV = { ADMIN_TOKEN: "a".repeat(32), HOOK_SECRET: "hook-secret", STATUS_TOKEN: "ghp_x", SLACK_URL: "http://127.0.0.1:9/slack" };

function load(text: string, env: NodeJS.ProcessEnv = ENV): ReturnType<typeof loadServerConfig> {
  const file = join(dir, `c${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, text);
  return loadServerConfig(file, env);
}

function problems(text: string, env: NodeJS.ProcessEnv = ENV): string[] {
  try {
    load(text, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.line}:${p.col} ${p.message}`);
    throw err;
  }
  return [];
}

test("the documented config loads, with paths resolved next to the file and tokens kept only as hashes", () => {
  const c = load(`listen: 127.0.0.1:9090
data: ./data
database: sqlite
public_url: http://127.0.0.1:9090/
tokens:
  - {name: admin, token_env: ADMIN_TOKEN, role: admin}
repos:
  - name: acme/trading-bot
    url: ./git/trading-bot.git
    webhook_secret_env: HOOK_SECRET
    secrets_file: bot.secrets
    status: {api_url: http://127.0.0.1:1/api/, token_env: STATUS_TOKEN}
    notify:
      - {kind: slack, url_env: SLACK_URL, on: [failure, recovery]}
`);
  assert.deepEqual(c.listen, { host: "127.0.0.1", port: 9090 });
  assert.equal(c.data, join(dir, "data"));
  assert.equal(c.publicUrl, "http://127.0.0.1:9090");
  assert.deepEqual(c.tokens[0]?.hash, hashToken(ENV.ADMIN_TOKEN));
  assert.ok(!JSON.stringify(c).includes(ENV.ADMIN_TOKEN), "the admin token itself is not kept");
  assert.equal(c.repos[0]?.url, join(dir, "git/trading-bot.git"));
  assert.equal(c.repos[0]?.secretsFile, join(dir, "bot.secrets"));
  assert.deepEqual(c.repos[0]?.status, { apiUrl: "http://127.0.0.1:1/api", token: "ghp_x", per: "workflow", checkRuns: true });
  assert.deepEqual(c.repos[0]?.notify, [{ kind: "slack", url: ENV.SLACK_URL, on: ["failure", "recovery"] }]);
});

test("every problem is reported at once, each with its line and column", () => {
  const found = problems(`listen: localhost
colour: blue
tokens:
  - {name: admin, token_env: MISSING_TOKEN, role: admin}
  - {name: bot, token_env: ADMIN_TOKEN, role: superuser}
repos:
  - name: not-a-full-name
    url: /srv/x.git
    webhook_secret_env: HOOK_SECRET
`);
  assert.deepEqual(found, [
    "2:1 unknown key 'colour' in the config; known keys: listen, data, database, public_url, tokens, repos, agents",
    "1:9 listen must be HOST:PORT (e.g. 127.0.0.1:8080 or [::1]:8080), got 'localhost'",
    "4:30 tokens[].token_env: the environment variable MISSING_TOKEN is not set (set it before starting the server)",
    "5:47 role must be one of read, trigger, admin, agent, got 'superuser'",
    "7:11 repos[].name must be owner/name, got 'not-a-full-name'",
  ]);
});

test("database: takes a postgres:// or postgresql:// URL for the run store, and defaults to sqlite", () => {
  const repos = "repos:\n  - {name: a/b, url: /x, webhook_secret_env: HOOK_SECRET}\n";
  assert.deepEqual(load(`database: postgresql://tierci:pw@127.0.0.1:5432/runs\n${repos}`).database, {
    kind: "postgres",
    url: "postgresql://tierci:pw@127.0.0.1:5432/runs",
  });
  assert.deepEqual(load(repos).database, { kind: "sqlite" });
});

test("short tokens, a repository listed twice, a bad database and YAML errors are refused", () => {
  assert.deepEqual(problems("tokens:\n  - {name: a, token_env: SHORT, role: read}\nrepos: []\n", { ...ENV, SHORT: "abc" }), [
    "2:26 a token must be at least 16 characters long",
    "3:8 repos: list at least one repository",
  ]);
  const twice = "repos:\n  - {name: a/b, url: /x, webhook_secret_env: HOOK_SECRET}\n  - {name: A/B, url: /y, webhook_secret_env: HOOK_SECRET}\n";
  assert.deepEqual(problems(twice), ["3:12 repository 'A/B' is listed twice"]);
  assert.match(problems(`database: mysql://x\n${twice.split("\n").slice(0, 2).join("\n")}\n`)[0] ?? "", /database must be sqlite or a postgres/);
  const leaked = problems("database: mysql://tierci:hunter2@db/runs\n").join("\n");
  assert.match(leaked, /got 'mysql:\/\/tierci:\*\*\*@db\/runs'/);
  assert.doesNotMatch(leaked, /hunter2/);
  assert.equal(problems("repos: [\n").length > 0, true);
});
