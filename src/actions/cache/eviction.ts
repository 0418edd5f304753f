import type { CacheEntry } from "./entries.js";

/**
 * The entries to evict: every one idle for longer than `maxIdleMs`, then the least recently
 * used until the rest fit in `maxBytes`. `keep` (the entry just saved) always stays.
 */
export function chooseEvictions(entries: readonly CacheEntry[], opts: { keep?: string; maxBytes: number; maxIdleMs: number; now: number }): CacheEntry[] {
  const byAccess = [...entries].sort((a, b) => a.lastAccess - b.lastAccess);
  const gone = new Set(byAccess.filter((e) => e.id !== opts.keep && opts.now - e.lastAccess > opts.maxIdleMs));
  let total = byAccess.filter((e) => !gone.has(e)).reduce((n, e) => n + e.size, 0);
  for (const e of byAccess) {
    if (total <= opts.maxBytes) break;
    if (e.id === opts.keep || gone.has(e)) continue;
    gone.add(e);
    total -= e.size;
  }
  return [...gone];
}
