// How a run store is tuned, whichever database is behind it.

export interface StoreOptions {
  /** Buffered log lines that trigger a write. */
  logBatchLines?: number;
  /** Longest time a log line waits in the buffer; also the most a SIGKILL can lose. */
  logFlushMs?: number;
  /** How long a write waits for another process holding the lock it needs. */
  busyTimeoutMs?: number;
  /** Bytes of log text kept per job; past it a marker line says the rest was not stored. */
  logBytesPerJob?: number;
}

/** 64 MiB: far above what a person reads, far below what fills a disk over many runs. */
export const DEFAULT_LOG_BYTES_PER_JOB = 64 * 1024 * 1024;

const DEFAULTS: Required<StoreOptions> = { logBatchLines: 500, logFlushMs: 100, busyTimeoutMs: 10_000, logBytesPerJob: DEFAULT_LOG_BYTES_PER_JOB };

/** The options with a default for each one not given. */
export function withDefaults(options: StoreOptions): Required<StoreOptions> {
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return { ...DEFAULTS, ...given };
}
