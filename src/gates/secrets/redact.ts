// A secret never leaves the scanner in full: reports carry a redacted form and a hash.
import { createHash } from "node:crypto";

export const DEFAULT_REVEAL = 4;

/**
 * The first and last `reveal` characters with `****` between them. At most a quarter of the
 * secret is shown at each end, so that half of it always stays hidden.
 */
export function redact(secret: string, reveal = DEFAULT_REVEAL): string {
  const n = Math.min(Math.max(0, Math.floor(reveal)), Math.floor(secret.length / 4));
  const shown = n === 0 ? "****" : `${secret.slice(0, n)}****${secret.slice(-n)}`;
  return shown.replace(/[\r\n\t]/g, " ");
}

/** SHA-256 of the secret, hex: what a baseline stores to recognise it without holding it. */
export function secretHash(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}
