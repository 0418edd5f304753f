import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { currentProcess, pidExists, processStartTime, processState } from "./process-identity.js";

test("this process is alive, with a start time on Linux", () => {
  const me = currentProcess();
  assert.equal(me.pid, process.pid);
  if (process.platform === "linux") assert.ok(typeof me.startTime === "number" && me.startTime > 0);
  assert.equal(processState(me), "alive");
});

test("a PID reused by another process is dead, not alive", () => {
  const me = currentProcess();
  if (me.startTime === null) return;
  assert.equal(processState({ ...me, startTime: me.startTime - 1 }), "dead");
});

test("a process that ended is dead; another host is unknown", () => {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  const pid = Number(child.stdout.toString());
  // Only when the PID has not been handed to a new process in the meantime.
  if (!pidExists(pid)) assert.equal(processState({ pid, host: currentProcess().host, startTime: 1 }), "dead");
  assert.equal(processState({ pid: process.pid, host: "some-other-host.invalid", startTime: null }), "unknown");
  assert.equal(pidExists(-1), false);
  assert.equal(processStartTime(-1), null);
});
