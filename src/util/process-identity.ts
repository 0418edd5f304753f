// Who holds a lock or owns a run: a PID alone is not enough, because PIDs are reused and
// mean nothing on another host. The start time (from /proc, in clock ticks since boot)
// tells a reused PID apart from the process that wrote it.
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

export interface ProcessIdentity {
  pid: number;
  host: string;
  /** Start time of the process in clock ticks after boot (Linux), or null where it cannot be read. */
  startTime: number | null;
}

/** The 22nd field of /proc/<pid>/stat; the command name before it may hold spaces and parentheses. */
export function processStartTime(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const value = Number(fields[19]);
  return Number.isFinite(value) ? value : null;
}

/** True when a process with this PID exists (one owned by another user counts). */
export function pidExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

let self: ProcessIdentity | undefined;

export function currentProcess(): ProcessIdentity {
  self ??= { pid: process.pid, host: hostname(), startTime: processStartTime(process.pid) };
  return self;
}

/**
 * "alive": the very process is still running on this host; "dead": it ended (or its PID now
 * belongs to another process); "unknown": it ran on another host, so nothing here can tell.
 */
export function processState(owner: ProcessIdentity): "alive" | "dead" | "unknown" {
  if (owner.host !== currentProcess().host) return "unknown";
  if (!pidExists(owner.pid)) return "dead";
  if (owner.startTime === null) return "alive";
  const now = processStartTime(owner.pid);
  return now === null || now === owner.startTime ? "alive" : "dead";
}
