// A lock file held across processes: parallel jobs (in one tierci or in several) install a
// tool version once and commit cache entries one at a time. The file holds
// the owner's process identity; a lock whose owner has died is broken, under a second lock
// so that two waiters cannot both break it and one of them delete the other's new lock.
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { currentProcess, processState, type ProcessIdentity } from "./process-identity.js";
import { sleep } from "./sleep.js";

export class LockAborted extends Error {}

export interface LockOptions {
  signal?: AbortSignal;
  /** Called once when the lock is held by another live process and this one starts waiting. */
  onWait?: (owner: ProcessIdentity) => void;
  pollMs?: number;
}

let sequence = 0;

/** Creates `path` holding this process's identity, atomically with its content; false when it exists. */
function tryCreate(path: string): boolean {
  const temp = `${path}.${process.pid}.${++sequence}.tmp`;
  writeFileSync(temp, JSON.stringify(currentProcess()));
  try {
    linkSync(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    unlinkSync(temp);
  }
}

/** The owner written in a lock file; undefined when the file is gone, null when it cannot be read as one. */
export function lockOwner(path: string): ProcessIdentity | null | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    const owner = JSON.parse(text) as ProcessIdentity;
    return typeof owner.pid === "number" && typeof owner.host === "string" ? owner : null;
  } catch {
    return null;
  }
}

/** True when the lock exists and its owner is known to have ended (or never wrote a readable owner). */
export function isStale(path: string): boolean {
  const owner = lockOwner(path);
  return owner === null || (owner !== undefined && processState(owner) === "dead");
}

function removeIfStale(path: string): void {
  const breaker = `${path}.break`;
  if (!tryCreate(breaker)) {
    if (isStale(breaker)) unlinkQuietly(breaker);
    return;
  }
  try {
    if (isStale(path)) unlinkQuietly(path);
  } finally {
    unlinkQuietly(breaker);
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

/** Takes the lock without waiting: true when this process now holds it. */
export function tryLock(path: string): boolean {
  mkdirSync(dirname(path), { recursive: true });
  if (tryCreate(path)) return true;
  removeIfStale(path);
  return tryCreate(path);
}

export function unlock(path: string): void {
  unlinkQuietly(path);
}

/** Runs `fn` holding the lock, waiting for a live owner to let go first. */
export async function withLock<T>(path: string, opts: LockOptions, fn: () => Promise<T>): Promise<T> {
  let reported = false;
  while (!tryLock(path)) {
    if (opts.signal?.aborted) throw new LockAborted(`cancelled while waiting for ${path}`);
    const owner = lockOwner(path);
    if (owner && !reported) {
      opts.onWait?.(owner);
      reported = true;
    }
    await sleep(opts.pollMs ?? 200, opts.signal);
  }
  try {
    return await fn();
  } finally {
    unlock(path);
  }
}
