// git for the server, run from a small pool of worker threads (see git-worker.ts), with a time
// limit and an environment that ignores the server's own GIT_* variables (the worker makes it).
import { Worker } from "node:worker_threads";
import type { GitRequest, GitResult } from "./git-worker.js";

export type { GitResult };

const POOL_SIZE = 2;

interface Pending {
  resolve: (r: GitResult) => void;
}

let workers: Worker[] = [];
let next = 0;
let sequence = 0;
const pending = new Map<number, Pending>();

function pool(): Worker[] {
  if (workers.length > 0) return workers;
  workers = Array.from({ length: POOL_SIZE }, () => {
    const w = new Worker(new URL("./git-worker.js", import.meta.url));
    // Idle workers must not keep a finished server (or a test) alive.
    w.unref();
    w.on("message", (m: GitResult & { id: number }) => {
      pending.get(m.id)?.resolve(m);
      pending.delete(m.id);
    });
    w.on("error", (err) => {
      for (const [id, p] of pending) {
        p.resolve({ code: -1, stdout: "", stderr: `git worker failed: ${err.message}` });
        pending.delete(id);
      }
      workers = [];
    });
    return w;
  });
  return workers;
}

export function runGit(args: readonly string[], opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<GitResult> {
  const all = pool();
  const worker = all[next++ % all.length] as Worker;
  const id = ++sequence;
  const req: GitRequest = { id, args: [...args], cwd: opts.cwd, env: opts.env, timeoutMs: opts.timeoutMs ?? 60_000 };
  return new Promise((resolve) => {
    pending.set(id, { resolve });
    // A worker waiting for git keeps the process alive, as a child process would.
    worker.ref();
    worker.postMessage(req);
  }).finally(() => {
    if (![...pending.keys()].length) for (const w of workers) w.unref();
  }) as Promise<GitResult>;
}
