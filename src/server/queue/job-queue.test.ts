// The queue on a real Postgres: each job leased once however many agents ask at the same moment,
// labels honoured, leases that run out re-queued or lost, cancels, events in order, and blobs
// that resume, refuse bytes that do not match their name, and are collected only once unused.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { onPostgres } from "../../../test/support/store-backends.js";
import type { JobSpec } from "../../pipeline/remote-job.js";
import { openAgentServices, type AgentServices } from "./agent-services.js";
import { BlobConflict, digestOf } from "./blob-store.js";
import { MissingBlob, type NewQueuedJob } from "./job-queue.js";

const spec = { job: { name: "build" } } as unknown as JobSpec;
/** The source every test job names; open() stores it. */
const BUNDLE = Buffer.from("a git bundle");

function job(name: string, labels: string[] = ["linux"], source = digestOf(BUNDLE)): NewQueuedJob {
  return { owner: "replica-a", repo: "acme/app", runId: "r1", name, labels, spec, source, sha: "b".repeat(40), artifacts: null };
}

const agent = (name: string, labels = ["self-hosted", "linux", "x64"]) => ({ name, tokenName: "agents", labels });

onPostgres((backend) => {
  const open = async (t: Parameters<typeof backend.location>[0], leaseMs = 30_000): Promise<AgentServices> => {
    const services = await openAgentServices(backend.location(t), leaseMs, () => undefined);
    t.after(() => services.close());
    await services.blobs.put(BUNDLE);
    return services;
  };

  test("100 jobs leased by 8 agents asking at once: each job exactly once", async (t) => {
    const { queue } = await open(t);
    for (let i = 0; i < 100; i++) await queue.enqueue(job(`j${i}`));
    const taken: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, a) => {
        for (let j = await queue.lease(agent(`agent-${a}`)); j; j = await queue.lease(agent(`agent-${a}`))) taken.push(j.id);
      }),
    );
    assert.equal(taken.length, 100);
    assert.equal(new Set(taken).size, 100);
  });

  test("a job waits for an agent that has all its labels", async (t) => {
    const { queue } = await open(t);
    const gpu = await queue.enqueue(job("gpu", ["gpu", "linux"]));
    assert.equal(await queue.lease(agent("plain")), undefined);
    const leased = await queue.lease(agent("big", ["self-hosted", "linux", "x64", "gpu"]));
    assert.equal(leased?.id, gpu);
  });

  test("a long poll ends when a job is queued", async (t) => {
    const { queue } = await open(t);
    const started = Date.now();
    const waiting = queue.leaseWait(agent("a"), 10_000);
    await new Promise((r) => setTimeout(r, 200));
    const id = await queue.enqueue(job("late"));
    assert.equal((await waiting)?.id, id);
    assert.ok(Date.now() - started < 5000, "woken by the notification, not by the timeout");
  });

  test("a lapsed lease re-queues a job whose steps had not started and loses one whose had", async (t) => {
    const { queue } = await open(t, 300);
    const quiet = await queue.enqueue(job("quiet"));
    const busy = await queue.enqueue(job("busy"));
    const a = await queue.lease(agent("a"));
    const b = await queue.lease(agent("b"));
    assert.ok(a && b);
    const started = a.id === busy ? a : b;
    await queue.report(started.id, started.lease, [{ t: "step-start", step: { index: 0, name: "Run make", stage: "main" } }]);
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(await queue.reapExpired(), { requeued: 1, lost: 1 });
    assert.equal((await queue.state(quiet))?.status, "queued");
    assert.equal((await queue.state(busy))?.status, "lost");
    assert.equal((await queue.report(started.id, started.lease, [])).held, false, "the old lease writes nothing");
    const again = await queue.lease(agent("c"));
    assert.equal(again?.id, quiet);
  });

  test("events come back in order; complete is idempotent for its lease and refused for another", async (t) => {
    const { queue } = await open(t);
    const id = await queue.enqueue(job("ordered"));
    const l = await queue.lease(agent("a"));
    assert.ok(l);
    for (let batch = 0; batch < 5; batch++)
      await queue.report(
        id,
        l.lease,
        Array.from({ length: 100 }, (_, i) => ({ t: "log" as const, step: null, stream: "stdout" as const, line: `${batch * 100 + i}` })),
      );
    const lines = (await queue.eventsAfter(id, 0)).map((e) => (e.body.t === "log" ? Number(e.body.line) : -1));
    assert.deepEqual(
      lines,
      Array.from({ length: 500 }, (_, i) => i),
    );
    const outcome = { conclusion: "success" as const, outputs: {}, steps: [], summary: "", reports: [], reportFiles: [], artifacts: null };
    assert.equal(await queue.complete(id, "not-the-lease", outcome), false);
    assert.equal(await queue.complete(id, l.lease, outcome), true);
    assert.equal(await queue.complete(id, l.lease, outcome), true);
    assert.equal((await queue.state(id))?.status, "done");
  });

  test("cancelling: a queued job at once, a leased one through its agent's next call", async (t) => {
    const { queue } = await open(t);
    const queued = await queue.enqueue(job("q"));
    assert.equal(await queue.requestCancel(queued), "cancelled");
    assert.equal(await queue.lease(agent("a")), undefined, "a cancelled job is never leased");
    const running = await queue.enqueue(job("r"));
    const l = await queue.lease(agent("a"));
    assert.equal(await queue.requestCancel(running), "leased");
    assert.deepEqual(await queue.report(running, l?.lease ?? "", []), { held: true, cancel: true });
  });

  test("release hands back a job before its first step, not after", async (t) => {
    const { queue } = await open(t);
    const id = await queue.enqueue(job("handed-back"));
    const l = await queue.lease(agent("a"));
    assert.ok(l);
    assert.equal(await queue.release(id, l.lease), true);
    const l2 = await queue.lease(agent("b"));
    assert.ok(l2);
    await queue.report(id, l2.lease, [{ t: "step-start", step: { index: 0, name: "x", stage: "main" } }]);
    assert.equal(await queue.release(id, l2.lease), false);
  });

  test("blobs resume at the size stored and refuse bytes that do not hash to their name", async (t) => {
    const { blobs } = await open(t);
    const data = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    const digest = createHash("sha256").update(data).digest("hex");
    await blobs.append(digest, 0, data.subarray(0, 1024 * 1024));
    await assert.rejects(blobs.append(digest, 5, data.subarray(5, 10)), (err) => err instanceof BlobConflict && err.size === 1024 * 1024);
    assert.deepEqual(await blobs.status(digest), { size: 1024 * 1024, complete: false });
    await blobs.append(digest, 1024 * 1024, data.subarray(1024 * 1024));
    assert.equal(await blobs.commit(digest), true);
    assert.deepEqual(await blobs.toBuffer(digest), data);
    const forged = "c".repeat(64);
    await blobs.append(forged, 0, Buffer.from("not what the name says"));
    assert.equal(await blobs.commit(forged), false);
    assert.deepEqual(await blobs.status(forged), { size: 0, complete: false }, "a mismatch is dropped");
  });

  test("blobs made for runs are collected once no job names them and none was queued with them for the grace; a job never names a collected one", async (t) => {
    const { blobs, queue, pool } = await open(t);
    const used = await blobs.put(Buffer.from("bundle of a run with a queued job"));
    const idle = await blobs.put(Buffer.from("bundle of a run that ended"));
    const id = await queue.enqueue(job("uses", ["linux"], used));
    assert.equal(await blobs.collectUnused(60_000), 0, "both were used within the grace");
    assert.equal(await blobs.collectUnused(0), 2, "the queued job's blob stays; the ended run's and the unused test bundle go");
    assert.equal((await blobs.status(used)).complete, true);
    assert.equal((await blobs.status(idle)).complete, false);
    await assert.rejects(queue.enqueue(job("late", ["linux"], idle)), (err) => err instanceof MissingBlob && err.digests[0] === idle);
    assert.equal((await pool.query("SELECT 1 FROM agent_jobs WHERE name = 'late'")).rowCount, 0, "nothing queued");
    // Making it again (what a run does on MissingBlob) lets the job be queued.
    assert.equal(await blobs.put(Buffer.from("bundle of a run that ended")), idle);
    assert.ok((await queue.enqueue(job("late", ["linux"], idle))) > id);
    // A blob agents uploaded is collected only once the server read it; a shared cache's never.
    const upload = Buffer.from("a report an agent sent");
    await blobs.append(digestOf(upload), 0, upload);
    await blobs.commit(digestOf(upload));
    await pool.query("UPDATE agent_jobs SET status = 'done'");
    assert.equal(await blobs.collectUnused(0), 2, "both bundles are dropped once their jobs are done, the upload is not");
    assert.equal((await blobs.status(digestOf(upload))).complete, true);
    await blobs.markRunUse(digestOf(upload));
    assert.equal(await blobs.collectUnused(0), 1);
  });

  test("agent tokens: made, found, revoked at once", async (t) => {
    const { tokens } = await open(t);
    const made = await tokens.create("rack-1", "admin");
    assert.ok(made);
    assert.equal(await tokens.create("rack-1", "admin"), undefined, "names are unique");
    assert.deepEqual(await tokens.callerOf(made.token), { name: "agent-token:rack-1", role: "agent" });
    assert.equal(await tokens.callerOf(`${made.token}x`), undefined);
    assert.equal(await tokens.revoke(made.id), true);
    assert.equal(await tokens.callerOf(made.token), undefined);
    const listed = await tokens.list();
    assert.equal(listed[0]?.revokedAt !== null, true);
    assert.ok(!JSON.stringify(listed).includes(made.token), "the token itself is never stored or listed");
  });
  test("shared caches: the primary key exactly, then restore keys as prefixes, newest first, scopes in order; the first save wins", async (t) => {
    const { caches } = await open(t);
    const v = "a".repeat(64);
    const add = (scope: string, key: string, blob: string) => caches.add({ repo: "acme/app", scope, version: v, key, blob, size: 1 });
    assert.equal(await add("refs/heads/main", "deps-linux-1", "b1"), true);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(await add("refs/heads/main", "deps-linux-2", "b2"), true);
    assert.equal(await add("refs/heads/main", "deps-linux-2", "b3"), false, "the first save of a key wins");
    assert.equal(await add("refs/heads/feature", "deps-linux-9", "b4"), true);
    const look = (keys: string[], scopes = ["refs/heads/feature", "refs/heads/main"]) => caches.lookup({ repo: "acme/app", scopes, version: v, keys });
    assert.deepEqual(await look(["DEPS-LINUX-1"]), { key: "deps-linux-1", blob: "b1" });
    assert.deepEqual(await look(["nope", "deps-linux-"]), { key: "deps-linux-9", blob: "b4" }, "the job's own scope first");
    assert.deepEqual(await look(["nope", "deps-linux-"], ["refs/heads/main"]), { key: "deps-linux-2", blob: "b2" }, "newest first");
    assert.equal(await look(["deps-linux"]), undefined, "the primary key is never a prefix");
    assert.equal(await caches.lookup({ repo: "acme/other", scopes: ["refs/heads/main"], version: v, keys: ["deps-linux-1"] }), undefined);
  });
});
