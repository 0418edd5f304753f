// A worker thread of the cache's file pool: runs one synchronous task per message.
import { parentPort } from "node:worker_threads";
import { finishDirsSync, ingestSync, prepareDirsSync, restoreSync } from "./blobs.js";
import { packSync, restorePackSync } from "./packs.js";
import type { Task } from "./pool.js";
import { walkBelowSync, walkTopSync } from "./walk.js";

function handle(task: Task): unknown {
  switch (task.op) {
    case "walk":
      return walkTopSync(task.lines, task.ctx, task.depth);
    case "walk-below":
      return walkBelowSync(task.lines, task.ctx, task.dirs);
    case "ingest":
      return ingestSync(task.storeDir, task.paths);
    case "pack":
      return packSync(task.storeDir, task.files);
    case "restore":
      return restoreSync(task.storeDir, task.jobs);
    case "restore-pack":
      return restorePackSync(task.storeDir, task.job);
    case "dirs":
      return prepareDirsSync(task.dirs);
    case "finish-dirs":
      return finishDirsSync(task.dirs);
  }
}

parentPort?.on("message", (task: Task) => {
  try {
    parentPort?.postMessage({ result: handle(task) });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    parentPort?.postMessage({ error: { message: e.message, code: e.code } });
  }
});
