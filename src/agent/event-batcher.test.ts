// The batcher against a loopback server that answers as the protocol says: events arrive in order
// and in batches a server takes, a server that is briefly unavailable loses nothing, a cancel and
// a lost lease reach the job.
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { test } from "node:test";
import type { JobEvent } from "../pipeline/remote-job.js";
import { AgentClient, TokenRefused } from "./agent-client.js";
import { EventBatcher } from "./event-batcher.js";
import { agentLabels } from "./labels.js";

async function serve(
  handle: (body: { events?: JobEvent[] }, req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => handle(text === "" ? {} : (JSON.parse(text) as { events?: JobEvent[] }), req, res));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) };
}

const log = (i: number, size = 10): JobEvent => ({ t: "log", step: 0, stream: "stdout", line: `${i}:`.padEnd(size, "x") });

test("events arrive in order, in batches under the request limit, through a server that is briefly unavailable", async (t) => {
  const received: number[] = [];
  const sizes: number[] = [];
  let calls = 0;
  const server = await serve((body, req, res) => {
    calls++;
    if (calls === 2) {
      res.writeHead(503).end('{"error":"restarting"}');
      return;
    }
    if (req.url?.endsWith("/events")) {
      sizes.push(JSON.stringify(body).length);
      for (const e of body.events ?? []) if (e.t === "log") received.push(Number(e.line.split(":")[0]));
    }
    res.writeHead(200, { "content-type": "application/json" }).end('{"cancel":false}');
  });
  t.after(() => server.close());
  const batcher = new EventBatcher(new AgentClient({ server: server.url, token: "t".repeat(20) }), 1, "lease", 30_000, {
    cancel: () => undefined,
    lost: () => undefined,
  });
  for (let i = 0; i < 3000; i++) batcher.push(log(i, i % 100 === 0 ? 100_000 : 20));
  await batcher.close();
  assert.deepEqual(
    received,
    Array.from({ length: 3000 }, (_, i) => i),
  );
  assert.ok(Math.max(...sizes) < 2 * 1024 * 1024, `largest batch ${Math.max(...sizes)} bytes`);
});

test("a cancel answer and a lost lease reach the job; the token never shows in an error", async (t) => {
  let answer = '{"cancel":true}';
  let status = 200;
  const server = await serve((_body, _req, res) => res.writeHead(status, { "content-type": "application/json" }).end(answer));
  t.after(() => server.close());
  const seen: string[] = [];
  const client = new AgentClient({ server: server.url, token: "secret-token-value-123" });
  const batcher = new EventBatcher(client, 7, "lease", 30_000, { cancel: () => seen.push("cancel"), lost: (why) => seen.push(`lost: ${why}`) });
  batcher.push(log(1));
  await batcher.close();
  assert.deepEqual(seen, ["cancel"]);
  status = 409;
  answer = '{"error":"job 7 is not leased to this agent any more"}';
  const again = new EventBatcher(client, 7, "lease", 30_000, { cancel: () => seen.push("cancel"), lost: (why) => seen.push(`lost: ${why}`) });
  again.push(log(2));
  await again.close();
  assert.equal(seen.at(-1), "lost: job 7 is not leased to this agent any more");
  assert.equal(again.lostLease, true);
  status = 401;
  await assert.rejects(client.request("POST", "/api/agent/lease"), (err) => err instanceof TokenRefused && !err.message.includes("secret-token-value-123"));
});

test("an agent's labels: self-hosted, its OS and architecture, and valid extra labels", () => {
  assert.deepEqual(agentLabels(["GPU", "big-disk"], "linux", "x64"), ["self-hosted", "linux", "x64", "gpu", "big-disk"]);
  assert.deepEqual(agentLabels([], "darwin", "arm64"), ["self-hosted", "macos", "arm64"]);
  assert.throws(() => agentLabels(["no spaces"]), /not a label/);
});
