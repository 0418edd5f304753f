// What the server tells the forge and the chat: commit statuses, check runs with annotations in
// batches of 50, Slack and Discord on failure and recovery; retried when the forge fails, never
// failing a run, never storing the token or the webhook URLs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import Database from "better-sqlite3";
import { ForgeRecorder } from "../support/forge-recorder.js";
import { bareCopy, removeTempDirs, type ServedRepo, TestServer } from "../support/server-harness.js";
import { repoFactory, type TempRepo } from "./harness.js";

const newRepo = repoFactory();
const STATUS_TOKEN = "ghs_statusTokenValue0123456789";

const CI = (fail: boolean): string => `name: CI
on: push
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
${Array.from({ length: 12 }, (_, s) => `      - run: for i in $(seq ${s * 10 + 1} ${s * 10 + 10}); do echo "::warning file=src/app.py,line=$i::style $i"; done`).join("\n")}
  test:
    runs-on: ubuntu-latest
    steps:
      - run: ${fail ? "echo '::error file=src/app.py,line=3::boom'; exit 1" : "echo fine"}
`;

let forge: ForgeRecorder;
const FORGE_ENV = (): NodeJS.ProcessEnv => ({ STATUS_TOKEN, SLACK_URL: `${forge.url}/slack`, DISCORD_URL: `${forge.url}/discord` });
let server: TestServer;
let work: TempRepo;
let served: ServedRepo;

async function pushAndWait(message: string): Promise<Record<string, unknown>> {
  work.write({ "note.txt": `${message}\n` });
  const sha = work.commit(message);
  work.git("push", "-q", "--force", served.url, "HEAD:refs/heads/main");
  const res = await server.deliver(served, "push", { ref: "refs/heads/main", before: "0".repeat(40), after: sha, repository: { full_name: served.name } });
  return server.completed((res.body as { run_ids: string[] }).run_ids[0] as string);
}

async function settled(count: (r: ForgeRecorder) => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!count(forge)) {
    if (Date.now() > deadline)
      throw new Error(
        `the forge did not get the expected requests: ${JSON.stringify(forge.requests.map((r) => `${r.method} ${r.path} ${String(r.body["state"] ?? "")} ${String(r.body["context"] ?? "")}`))}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  forge = await new ForgeRecorder().start();
  work = newRepo({ ".github/workflows/ci.yml": CI(true), "src/app.py": "x = 1\n" });
  served = {
    name: "acme/app",
    url: bareCopy(work.dir),
    secret: "hook",
    configLines: [
      "status: {api_url: FORGE, token_env: STATUS_TOKEN}",
      "notify:",
      "  - {kind: slack, url_env: SLACK_URL, on: [failure, recovery]}",
      "  - {kind: discord, url_env: DISCORD_URL, on: [failure]}",
    ].map((l) => l.replace("FORGE", forge.url)),
  };
  server = await TestServer.start([served], {
    extraEnv: { ...FORGE_ENV(), TIERCI_FORGE_RETRY_DELAY: "200ms", TIERCI_FORGE_ATTEMPTS: "3" },
  });
});

after(async () => {
  await server.stop();
  await forge.close();
  removeTempDirs();
});

test("a failing run: pending then failure statuses, a check run whose 120 annotations go 50 at a time, Slack and Discord told which job failed", async () => {
  const run = await pushAndWait("first");
  assert.equal(run["conclusion"], "failure");
  const sha = String(run["sha"]);
  await settled(
    (f) =>
      f.requests.filter((r) => r.path.startsWith("/slack") || r.path.startsWith("/discord")).length === 2 &&
      f.requests.filter((r) => r.path.includes("check-runs")).length === 3,
  );
  for (const r of forge.requests) assert.deepEqual(r.problems, [], `${r.method} ${r.path}: ${r.problems.join("; ")}`);
  const statuses = forge.requests.filter((r) => r.path === `/repos/acme/app/statuses/${sha}`).map((r) => r.body["state"]);
  assert.deepEqual(statuses, ["pending", "failure"]);
  const status = forge.requests.find((r) => r.body["state"] === "failure");
  assert.equal(status?.body["context"], "tierci/ci.yml");
  assert.match(String(status?.body["description"]), /failed: test/);
  assert.equal(status?.body["target_url"], `${server.url}/runs/${String(run["id"])}`);
  assert.match(status?.authorization ?? "", new RegExp(STATUS_TOKEN));
  const checks = forge.requests.filter((r) => r.path.includes("check-runs"));
  assert.equal(checks[0]?.method, "POST");
  assert.equal(checks[0]?.body["conclusion"], "failure");
  const batches = checks.map((c) => ((c.body["output"] as { annotations: unknown[] }).annotations ?? []).length);
  assert.deepEqual(batches, [50, 50, 21]);
  assert.ok(batches.every((n) => n <= 50));
  const slack = forge.requests.find((r) => r.path === "/slack");
  assert.match(String(slack?.body["text"]), /acme\/app ci\.yml on main at [0-9a-f]{7}: FAILED \(test\)/);
  assert.match(String(forge.requests.find((r) => r.path === "/discord")?.body["content"]), /FAILED \(test\)/);
});

test("the fix: success statuses and a recovery message to Slack only; a forge answering 500 is retried until it takes them", async () => {
  forge.requests.length = 0;
  forge.answerNext("fail", "fail");
  work.write({ ".github/workflows/ci.yml": CI(false) });
  const run = await pushAndWait("fixed");
  assert.equal(run["conclusion"], "success");
  await settled(
    (f) =>
      f.requests.some((r) => r.path === "/slack") &&
      f.requests.filter((r) => r.body["state"] === "success").length === 1 &&
      f.requests.filter((r) => r.path.includes("check-runs")).length >= 3,
  );
  assert.match(String(forge.requests.find((r) => r.path === "/slack")?.body["text"]), /is green again/);
  assert.equal(forge.requests.filter((r) => r.path === "/discord").length, 0);
});

test("a forge that never answers fails no run; what was not delivered is recorded, without the token or the webhook URLs", async () => {
  // A server of its own with a short request timeout, so that the forge's silence is found out quickly.
  await server.stop();
  server = await TestServer.start([served], {
    extraEnv: { ...FORGE_ENV(), TIERCI_FORGE_RETRY_DELAY: "200ms", TIERCI_FORGE_TIMEOUT: "1s", TIERCI_FORGE_ATTEMPTS: "3" },
  });
  forge.answerNext(...Array<"hang">(40).fill("hang"));
  const run = await pushAndWait("forge down");
  assert.equal(run["conclusion"], "success");
  const db = new Database(join(server.dataDir, "server.db"), { readonly: true });
  const deadline = Date.now() + 45_000;
  let failed: { last_error: string }[] = [];
  while (Date.now() < deadline) {
    failed = db.prepare("SELECT last_error FROM outbox WHERE state = 'failed'").all() as { last_error: string }[];
    if (failed.length > 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const rows = db.prepare("SELECT id, kind, state, attempts, next_at - ? AS due, last_error FROM outbox").all(Date.now());
  db.close();
  assert.ok(failed.length > 0, `an item was given up after its attempts: ${JSON.stringify(rows)}\n${server.log()}`);
  assert.match(failed[0]?.last_error ?? "", /no answer within 1000 ms/);
  const bytes =
    readFileSync(join(server.dataDir, "server.db")).toString("latin1") + readFileSync(join(server.dataDir, "server.db-wal"), { flag: "r" }).toString("latin1");
  assert.doesNotMatch(bytes, new RegExp(STATUS_TOKEN));
  assert.doesNotMatch(bytes, /\/slack|\/discord/);
});
