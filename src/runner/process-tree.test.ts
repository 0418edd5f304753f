import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { after, describe, it } from "node:test";
import { ProcessGroupTracker, TRACKING_ENV, runProcess, type ProcessResult, type RunProcessOptions } from "./process-tree.js";

const LINUX = existsSync("/proc/self/stat");
const FAST = { interrupt: 300, terminate: 300 };

/** Every background child a test reported, killed at the end even when an assertion failed first. */
const reported: number[] = [];
after(() => {
  for (const pid of reported) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone, as it should be.
    }
  }
});

/** Zombies count as dead: they are gone except for an exit status nobody has collected yet. */
function alive(pid: number): boolean {
  if (!LINUX) {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[0];
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

interface Run {
  result: Promise<ProcessResult>;
  stdout: string[];
  stderr: string[];
  /** Resolves when a stdout line satisfies `test`. */
  waitFor(test: (line: string) => boolean): Promise<void>;
}

function bash(script: string, extra: Partial<RunProcessOptions> = {}): Run {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters: { test: (line: string) => boolean; done: () => void }[] = [];
  const result = runProcess({
    command: "bash",
    args: ["-c", script],
    cwd: tmpdir(),
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin" },
    onStdout: (line) => {
      stdout.push(line);
      for (const w of waiters.filter((w) => w.test(line))) w.done();
    },
    onStderr: (line) => stderr.push(line),
    ...extra,
  });
  return {
    result,
    stdout,
    stderr,
    waitFor: (test) =>
      new Promise((done) => {
        if (stdout.some(test)) done();
        else waiters.push({ test, done });
      }),
  };
}

function pidsFrom(lines: string[]): number[] {
  const pids = lines.filter((l) => /^pid \d+$/.test(l)).map((l) => Number(l.slice(4)));
  reported.push(...pids);
  return pids;
}

// Background children of every kind: one holding the output pipe, one detached from it, one in a
// session of its own, and one in a session of its own whose parent has already exited (so no
// parent chain leads to it). setsid does not fork here, as its caller is not a group leader, so $!
// is the sleep.
const SPAWN_CHILDREN = `
sleep 300 &
echo "pid $!"
sleep 300 >/dev/null 2>&1 &
echo "pid $!"
setsid sleep 300 >/dev/null 2>&1 &
echo "pid $!"
bash -c 'setsid sleep 300 >/dev/null 2>&1 & echo "pid $!"'
`;
const CHILDREN = 4;

describe("runProcess", () => {
  it("streams stdout and stderr line by line and flushes a last partial line", async () => {
    const run = bash("printf 'one\\ntwo\\r\\nthree'; printf 'err\\n' >&2; exit 3");
    const result = await run.result;
    assert.deepEqual(run.stdout, ["one", "two", "three"]);
    assert.deepEqual(run.stderr, ["err"]);
    assert.deepEqual(result, { exitCode: 3, signal: null, cancelled: false });
  });

  it("gives every process the job's tracking marker", async () => {
    const tracker = new ProcessGroupTracker();
    const run = bash(`echo "$${TRACKING_ENV}"`, { tracker });
    await run.result;
    assert.match(run.stdout[0] ?? "", new RegExp(`^${tracker.id}\\.1$`));
    assert.equal(tracker.pgids.length, 1);
  });

  it("rejects when the command cannot be started", async () => {
    await assert.rejects(
      runProcess({ command: "/nonexistent/tierci-test", args: [], cwd: tmpdir(), env: {}, onStdout: () => {}, onStderr: () => {} }),
      /ENOENT/,
    );
  });

  it("does not start a process when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const run = bash("echo started", { signal: controller.signal });
    assert.deepEqual(await run.result, { exitCode: null, signal: null, cancelled: true });
    assert.deepEqual(run.stdout, []);
  });

  it("resolves when the main process exits, leaving background children to the tracker", { skip: !LINUX }, async () => {
    const tracker = new ProcessGroupTracker();
    const run = bash(`${SPAWN_CHILDREN}\necho done`, { tracker });
    const started = Date.now();
    const result = await run.result;
    assert.equal(result.exitCode, 0);
    assert.ok(Date.now() - started < 5000, "a background child holding stdout must not hold the step");
    await run.waitFor((l) => l === "done");
    const pids = pidsFrom(run.stdout);
    assert.equal(pids.length, CHILDREN, run.stdout.join("\n"));
    assert.deepEqual(
      pids.filter((p) => !alive(p)),
      [],
      "background children live on until the job ends",
    );

    const killed = await tracker.killAll();
    assert.deepEqual(pids.filter(alive), []);
    for (const pid of pids)
      assert.ok(
        killed.some((k) => k.pid === pid),
        `killAll reports ${pid}`,
      );
  });

  it("cancels with SIGINT and leaves no process of the step alive, escaped ones included", { skip: !LINUX }, async () => {
    const controller = new AbortController();
    // A long interrupt grace shows that the group's SIGINT alone stopped the script.
    const grace = { interrupt: 5000, terminate: 300 };
    const run = bash(`${SPAWN_CHILDREN}\necho ready\nsleep 300`, { signal: controller.signal, graceMs: grace });
    await run.waitFor((l) => l === "ready");
    const pids = pidsFrom(run.stdout);
    assert.equal(pids.length, CHILDREN, run.stdout.join("\n"));
    const started = Date.now();
    controller.abort();
    const result = await run.result;
    assert.equal(result.cancelled, true);
    assert.ok(Date.now() - started < grace.interrupt, "bash stops on SIGINT to its group, before SIGTERM is due");
    assert.deepEqual(pids.filter(alive), []);
  });

  it("escalates to SIGTERM and then SIGKILL when SIGINT is ignored", { skip: !LINUX }, async () => {
    const controller = new AbortController();
    const run = bash(
      `trap 'echo got-int' INT
trap 'echo got-term' TERM
echo ready
while true; do sleep 0.05; done`,
      { signal: controller.signal, graceMs: FAST },
    );
    await run.waitFor((l) => l === "ready");
    const started = Date.now();
    controller.abort();
    const result = await run.result;
    const elapsed = Date.now() - started;
    assert.deepEqual(result, { exitCode: null, signal: "SIGKILL", cancelled: true });
    assert.ok(run.stdout.includes("got-int"), run.stdout.join("\n"));
    assert.ok(run.stdout.includes("got-term"), run.stdout.join("\n"));
    assert.ok(elapsed >= FAST.interrupt + FAST.terminate - 20, `killed after ${elapsed} ms`);
  });
});
