// The processes a job starts: each step's process in a process group of its own, its output as
// lines, GitHub's cancellation sequence, and cleanup of everything the job left running.
//
// Finding a job's processes has three parts, because each alone misses some:
// - the process group catches everything a shell starts in the background;
// - an environment marker (TRACKING_ENV, inherited by every descendant, as the GitHub runner does
//   with RUNNER_TRACKING_ID) catches processes that left the group with setsid and were reparented
//   when their parent died, so no parent chain leads to them any more;
// - the parent chain catches descendants that exec'd with a cleared environment while their
//   parent is still alive.
// The last two read /proc, so they work on Linux only; elsewhere the process group is all there is.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { setTimeout as delay } from "node:timers/promises";

/** Every process a step starts inherits this variable; its value says which job and step started it. */
export const TRACKING_ENV = "TIERCI_TRACKING_ID";

export interface GraceMs {
  /** From SIGINT to SIGTERM. */
  interrupt: number;
  /** From SIGTERM to SIGKILL of the whole tree. */
  terminate: number;
}

/** The GitHub runner's timing: SIGINT, SIGTERM 7.5 s later, the process tree killed 2.5 s after that. */
export const DEFAULT_GRACE_MS: GraceMs = { interrupt: 7500, terminate: 2500 };

/**
 * After the main process exits, how long to wait for its output pipes to close. A background child
 * that inherited them keeps them open for as long as it lives, and the step must not wait for it.
 */
const DRAIN_MS = 100;

export interface RunProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** `cut`: how many characters of an over-long line were dropped after its first MAX_LINE_CHARS. */
  onStdout(line: string, cut: number): void;
  onStderr(line: string, cut: number): void;
  /** Aborting it starts the cancellation sequence. */
  signal?: AbortSignal;
  graceMs?: GraceMs;
  /** The job's tracker; without one, processes left in the background are the caller's to clean up. */
  tracker?: ProcessGroupTracker;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Cancellation was requested before the process exited (or before it was started). */
  cancelled: boolean;
}

/** A process that was killed during cleanup, for a log line like the runner's "Terminate orphan process". */
export interface KilledProcess {
  pid: number;
  command: string;
}

/** The start of the TRACKING_ENV value of every process of a run's jobs. */
export function runMarkerPrefix(runTag: string): string {
  return `tierci_${runTag}_`;
}

/** SIGKILL to every process whose TRACKING_ENV starts with `prefix`, wherever it is now. */
export function killMarked(prefix: string): Promise<KilledProcess[]> {
  return killTree(new Set(), (marker) => marker.startsWith(prefix), true);
}

/** Records the process groups a job started so that none of its processes outlives the job. */
export class ProcessGroupTracker {
  readonly id: string;
  private readonly groups = new Set<number>();
  private started = 0;

  /** `runTag` starts every marker, so processes a killed run left behind can be found by it (see orphans.ts). */
  constructor(runTag?: string) {
    this.id = `${runMarkerPrefix(runTag ?? "norun")}${randomUUID()}`;
  }

  /** The TRACKING_ENV value for the next process: the job's id plus a step number. */
  nextMarker(): string {
    this.started += 1;
    return `${this.id}.${this.started}`;
  }

  add(pgid: number): void {
    this.groups.add(pgid);
  }

  get pgids(): number[] {
    return [...this.groups];
  }

  /** SIGKILL to every process the job started that is still alive, including ones that escaped their group. */
  async killAll(): Promise<KilledProcess[]> {
    const prefix = `${this.id}.`;
    return killTree(this.groups, (marker) => marker.startsWith(prefix));
  }
}

/**
 * Runs one process in a new process group and resolves when that process exits. Processes it left
 * running in the background stay alive (steps after it may use them) until the tracker's killAll(),
 * unless the step was cancelled: then nothing it started survives it.
 */
export function runProcess(opts: RunProcessOptions): Promise<ProcessResult> {
  const grace = opts.graceMs ?? DEFAULT_GRACE_MS;
  return new Promise<ProcessResult>((resolve, reject) => {
    if (opts.signal?.aborted) {
      resolve({ exitCode: null, signal: null, cancelled: true });
      return;
    }
    const marker = opts.tracker?.nextMarker() ?? `tierci_${randomUUID()}.1`;
    const child = spawn(opts.command, opts.args, {
      cwd: opts.cwd,
      env: { ...opts.env, [TRACKING_ENV]: marker },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Spawning fails with an error event and no pid; a settled promise ignores a later reject.
    child.once("error", reject);
    const pgid = child.pid;
    if (pgid === undefined) return;
    opts.tracker?.add(pgid);
    const groups = new Set([pgid]);
    const ownProcesses = (value: string): boolean => value === marker;

    let delivering = true;
    const stdout = new LineSplitter((line, cut) => {
      if (delivering) opts.onStdout(line, cut);
    });
    const stderr = new LineSplitter((line, cut) => {
      if (delivering) opts.onStderr(line, cut);
    });
    const pipesClosed = Promise.all([streamEnd(child.stdout, (chunk) => stdout.push(chunk)), streamEnd(child.stderr, (chunk) => stderr.push(chunk))]);

    let exited = false;
    let cancelled = false;
    const timers: NodeJS.Timeout[] = [];
    const signalGroup = (sig: NodeJS.Signals): void => {
      try {
        process.kill(-pgid, sig);
      } catch {
        // The group is already empty.
      }
    };
    // Signalling the group rather than the shell alone is what a terminal's Ctrl-C does: a shell
    // waiting for a foreground command would not act on a signal until that command ends.
    const cancel = (): void => {
      if (exited || cancelled) return;
      cancelled = true;
      signalGroup("SIGINT");
      timers.push(
        setTimeout(() => {
          if (exited) return;
          signalGroup("SIGTERM");
          timers.push(
            setTimeout(() => {
              if (!exited) void killTree(groups, ownProcesses);
            }, grace.terminate),
          );
        }, grace.interrupt),
      );
    };
    opts.signal?.addEventListener("abort", cancel, { once: true });

    child.once("exit", (code, sig) => {
      exited = true;
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener("abort", cancel);
      void (async () => {
        if (cancelled) await killTree(groups, ownProcesses);
        // The wait is cancelled once the pipes close: a pending timer would hold the process open after the run.
        const drained = new AbortController();
        await Promise.race([pipesClosed, delay(DRAIN_MS, undefined, { signal: drained.signal }).catch(() => undefined)]);
        drained.abort();
        stdout.flush();
        stderr.flush();
        // Output that background processes write later belongs to no step; it is read (so that
        // they do not block on a full pipe) and dropped.
        delivering = false;
        resolve({ exitCode: code, signal: sig, cancelled });
      })();
    });
  });
}

function streamEnd(stream: NodeJS.ReadableStream, onData: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve) => {
    stream.on("data", onData);
    stream.once("end", resolve);
    stream.once("error", () => resolve());
  });
}

/**
 * The longest line kept, in characters. A step that prints hundreds of megabytes without a
 * newline must not take the memory of the whole run; the rest of such a line is counted, not kept.
 */
export const MAX_LINE_CHARS = 1024 * 1024;

/**
 * Splits a byte stream into lines on \n; a \r before the \n goes too, as the runner's line reader
 * drops it. A line longer than MAX_LINE_CHARS is cut there, and the count of dropped characters
 * goes with it.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private pending: string[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(
    private readonly emit: (line: string, cut: number) => void,
    private readonly maxChars = MAX_LINE_CHARS,
  ) {}

  push(chunk: Buffer): void {
    const text = this.decoder.write(chunk);
    let start = 0;
    let at = text.indexOf("\n");
    while (at >= 0) {
      this.keep(text.slice(start, at));
      this.line();
      start = at + 1;
      at = text.indexOf("\n", start);
    }
    if (start < text.length) this.keep(text.slice(start));
  }

  /** Emits a last line that had no \n. */
  flush(): void {
    const rest = this.decoder.end();
    if (rest !== "") this.keep(rest);
    if (this.pending.length > 0 || this.dropped > 0) this.line();
  }

  private keep(part: string): void {
    const room = this.maxChars - this.kept;
    if (part.length <= room) {
      this.pending.push(part);
      this.kept += part.length;
      return;
    }
    if (room > 0) this.pending.push(part.slice(0, room));
    this.kept += Math.max(room, 0);
    this.dropped += part.length - Math.max(room, 0);
  }

  private line(): void {
    let line = this.pending.join("");
    const dropped = this.dropped;
    this.pending = [];
    this.kept = 0;
    this.dropped = 0;
    if (dropped === 0 && line.endsWith("\r")) line = line.slice(0, -1);
    this.emit(line, dropped);
  }
}

interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  zombie: boolean;
  /** Clock ticks after boot. */
  startTime: number;
  command: string;
}

const PROC = "/proc";

function readStat(pid: number): ProcInfo | undefined {
  let text: string;
  try {
    text = readFileSync(`${PROC}/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command sits in parentheses and may itself contain spaces and parentheses.
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  const fields = text.slice(close + 2).split(" ");
  // fields[0] is field 3 of proc(5): state, ppid, pgrp, ..., starttime is field 22.
  return {
    pid,
    ppid: Number(fields[1]),
    pgid: Number(fields[2]),
    zombie: fields[0] === "Z" || fields[0] === "X",
    startTime: Number(fields[19]),
    command: text.slice(open + 1, close),
  };
}

function trackingMarker(pid: number): string | undefined {
  let env: Buffer;
  try {
    env = readFileSync(`${PROC}/${pid}/environ`);
  } catch {
    return undefined;
  }
  const key = `${TRACKING_ENV}=`;
  for (const entry of env.toString("utf8").split("\0")) {
    if (entry.startsWith(key)) return entry.slice(key.length);
  }
  return undefined;
}

/**
 * The live processes that are in one of `groups` or carry a marker `ours` accepts, plus all their
 * descendants. Processes older than this one are never included: whatever a job started started
 * later, and a pid or process group id that was reused by an unrelated process must not be hit.
 */
/**
 * `olderToo`: also processes that started before this one. Only a marker search may look at them
 * (a dead run's leftovers): a process group id of ours may have been reused by an older process.
 */
function findTree(groups: ReadonlySet<number>, ours: (marker: string) => boolean, olderToo = false): ProcInfo[] {
  const self = readStat(process.pid);
  const all: ProcInfo[] = [];
  for (const name of readdirSync(PROC)) {
    if (!/^\d+$/.test(name)) continue;
    const info = readStat(Number(name));
    if (info && info.pid !== process.pid && (olderToo || self === undefined || info.startTime >= self.startTime)) all.push(info);
  }
  const children = new Map<number, ProcInfo[]>();
  for (const p of all) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const found = new Map<number, ProcInfo>();
  const visit = (p: ProcInfo): void => {
    if (found.has(p.pid)) return;
    found.set(p.pid, p);
    for (const c of children.get(p.pid) ?? []) visit(c);
  };
  for (const p of all) {
    if (groups.has(p.pgid)) visit(p);
    else {
      const marker = trackingMarker(p.pid);
      if (marker !== undefined && ours(marker)) visit(p);
    }
  }
  return [...found.values()].filter((p) => !p.zombie);
}

/** Rounds of find-and-kill, for processes that fork while they are being killed. */
const KILL_ROUNDS = 10;

async function killTree(groups: ReadonlySet<number>, ours: (marker: string) => boolean, olderToo = false): Promise<KilledProcess[]> {
  if (!existsSync(`${PROC}/self/stat`)) {
    for (const pgid of groups) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    return [];
  }
  const killed = new Map<number, KilledProcess>();
  for (let round = 0; round < KILL_ROUNDS; round++) {
    const alive = findTree(groups, ours, olderToo);
    if (alive.length === 0) break;
    for (const p of alive) {
      try {
        process.kill(p.pid, "SIGKILL");
        killed.set(p.pid, { pid: p.pid, command: p.command });
      } catch {
        // Exited between the scan and the kill.
      }
    }
    // SIGKILL is delivered asynchronously; give the kernel a moment before looking again.
    await delay(10);
  }
  return [...killed.values()];
}
