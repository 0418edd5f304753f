// How large and how idle the cache store may grow, as GitHub bounds a repository's caches.
export const DEFAULT_MAX_BYTES = 10 * 1024 ** 3;
/** GitHub removes entries that have not been accessed for 7 days. */
export const DEFAULT_MAX_IDLE_MS = 7 * 24 * 3600 * 1000;

export class CacheStoreError extends Error {}

/** The size cap from TIERCI_CACHE_MAX_BYTES (bytes, or with a K/M/G/T suffix), else 10 GB. */
export function maxBytesFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env["TIERCI_CACHE_MAX_BYTES"];
  return v ? parseSize(v) : DEFAULT_MAX_BYTES;
}

export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(text);
  if (!m) throw new CacheStoreError(`'${text}' is not a size; use bytes or a number with K, M, G or T`);
  const power = " kmgt".indexOf((m[2] || " ").toLowerCase());
  return Math.floor(Number(m[1]) * 1024 ** power);
}
