// Measures of how random a candidate secret looks, used to tell keys from words.

/** Shannon entropy in bits per character (per UTF-16 code unit). */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * True for strings a person typed rather than a generator produced: a run of six or more
 * equal characters (`xxxxxx`, `000000`), a run of six consecutive code points in either
 * direction (`abcdef`, `123456`, `987654`), or too few distinct characters. Random tokens of
 * the lengths checked here hit these with a probability far below one in ten thousand.
 */
export function looksHandTyped(text: string): boolean {
  let same = 1;
  let up = 1;
  let down = 1;
  for (let i = 1; i < text.length; i++) {
    const d = text.charCodeAt(i) - text.charCodeAt(i - 1);
    same = d === 0 ? same + 1 : 1;
    up = d === 1 ? up + 1 : 1;
    down = d === -1 ? down + 1 : 1;
    if (same >= 6 || up >= 6 || down >= 6) return true;
  }
  const distinct = new Set(text).size;
  return distinct < Math.min(10, Math.ceil(text.length / 3));
}
