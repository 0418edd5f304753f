// Worker threads for the cache's file work. Node's asynchronous fs API pays a trip through
// libuv's four-thread pool for every call; a tree of thousands of small files is far
// faster as synchronous calls spread over a few threads.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { FinishDirJob, RestoreJob } from "./blobs.js";
import type { PackFile, Packed, PackRestoreJob } from "./packs.js";
import type { FoundItem, PathContext } from "./paths.js";
import type { Unwalked, WalkPart } from "./walk.js";

export type Task =
  | { op: "walk"; lines: string[]; ctx: PathContext; depth: number }
  | { op: "walk-below"; lines: string[]; ctx: PathContext; dirs: Unwalked[] }
  | { op: "ingest"; storeDir: string; paths: string[] }
  | { op: "pack"; storeDir: string; files: PackFile[] }
  | { op: "restore"; storeDir: string; jobs: RestoreJob[] }
  | { op: "restore-pack"; storeDir: string; job: PackRestoreJob }
  | { op: "dirs"; dirs: { dir: string; root: string }[] }
  | { op: "finish-dirs"; dirs: FinishDirJob[] };

interface Results {
  walk: WalkPart;
  "walk-below": FoundItem[];
  ingest: [string, number][];
  pack: Packed;
  restore: undefined;
  "restore-pack": undefined;
  dirs: undefined;
  "finish-dirs": undefined;
}

interface Waiting {
  task: Task;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

// The work waits on the disk as much as on the CPU, so more threads than cores still help.
export const POOL_SIZE = Math.min(8, Math.max(4, availableParallelism() * 2));

class FilePool {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Waiting>();
  private readonly queue: Waiting[] = [];

  run<O extends Task["op"]>(task: Extract<Task, { op: O }>): Promise<Results[O]> {
    return new Promise<unknown>((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.dispatch();
    }) as Promise<Results[O]>;
  }

  private spawn(): Worker {
    const worker = new Worker(new URL("./worker.js", import.meta.url));
    worker.on("message", (msg: { result?: unknown; error?: { message: string; code?: string } }) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      worker.unref();
      this.idle.push(worker);
      if (job) {
        if (msg.error) job.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
        else job.resolve(msg.result);
      }
      this.dispatch();
    });
    const lost = (err: Error): void => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      job?.reject(err);
      this.dispatch();
    };
    worker.on("error", lost);
    worker.on("exit", (code) => lost(new Error(`a cache worker thread exited with code ${code}`)));
    return worker;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.busy.size < POOL_SIZE ? this.spawn() : undefined);
      if (!worker) return;
      const job = this.queue.shift() as Waiting;
      this.busy.set(worker, job);
      worker.ref();
      worker.postMessage(job.task);
    }
  }
}

let shared: FilePool | undefined;

export function filePool(): FilePool {
  shared ??= new FilePool();
  return shared;
}

/** Splits work into pieces of at most `count` items or about `bytes` bytes, for the pool. */
export function chunks<T>(items: T[], count: number, bytes: number, size: (item: T) => number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let total = 0;
  for (const item of items) {
    if (current.length > 0 && (current.length >= count || total + size(item) > bytes)) {
      out.push(current);
      current = [];
      total = 0;
    }
    current.push(item);
    total += size(item);
  }
  if (current.length > 0) out.push(current);
  return out;
}
