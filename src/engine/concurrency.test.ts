import assert from "node:assert/strict";
import { test } from "node:test";
import { LocalConcurrency, type ConcurrencyEntry } from "./concurrency.js";

function request(group: string, cancelInProgress = false, signal = new AbortController().signal) {
  const preempted: string[] = [];
  return { req: { group, cancelInProgress, signal, onPreempt: (r: string) => preempted.push(r) }, preempted };
}

async function granted(p: Promise<ConcurrencyEntry>): Promise<() => void> {
  const e = await p;
  assert.equal(e.kind, "granted");
  return (e as { release: () => void }).release;
}

test("one runs, the next waits and runs when the first releases", async () => {
  const gate = new LocalConcurrency();
  const release = await granted(gate.enter(request("g").req));
  let settled = false;
  const waiting = gate.enter(request("g").req).then((e) => {
    settled = true;
    return e;
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(settled, false, "still waiting");
  release();
  assert.equal((await waiting).kind, "granted");
});

test("a newer waiting request replaces the older one, which is cancelled with GitHub's message", async () => {
  const gate = new LocalConcurrency();
  const release = await granted(gate.enter(request("deploy").req));
  const older = gate.enter(request("deploy").req);
  const newer = gate.enter(request("deploy").req);
  assert.deepEqual(await older, { kind: "cancelled", reason: "Canceling since a higher priority waiting request for 'deploy' exists" });
  release();
  assert.equal((await newer).kind, "granted");
});

test("cancel-in-progress asks the running holder to stop; other groups are independent", async () => {
  const gate = new LocalConcurrency();
  const first = request("ci");
  const release = await granted(gate.enter(first.req));
  await granted(gate.enter(request("other").req));
  const newer = gate.enter(request("ci", true).req);
  assert.deepEqual(first.preempted, ["Canceling since a higher priority waiting request for 'ci' exists"]);
  release();
  assert.equal((await newer).kind, "granted");
});

test("a waiting request whose signal aborts is withdrawn and does not block the group", async () => {
  const gate = new LocalConcurrency();
  const release = await granted(gate.enter(request("g").req));
  const abort = new AbortController();
  const withdrawn = gate.enter(request("g", false, abort.signal).req);
  abort.abort();
  assert.equal((await withdrawn).kind, "cancelled");
  release();
  await granted(gate.enter(request("g").req));
});
