// Trojan source: characters that change how text is displayed without being seen.
// Bidirectional controls reorder what an editor or a review shows, so the code that runs
// differs from the code that was read; zero-width characters make two identical-looking
// names different.
import { appendAll } from "../../util/large-arrays.js";

const NAMES: Record<number, string> = {
  0x202a: "LEFT-TO-RIGHT EMBEDDING",
  0x202b: "RIGHT-TO-LEFT EMBEDDING",
  0x202c: "POP DIRECTIONAL FORMATTING",
  0x202d: "LEFT-TO-RIGHT OVERRIDE",
  0x202e: "RIGHT-TO-LEFT OVERRIDE",
  0x2066: "LEFT-TO-RIGHT ISOLATE",
  0x2067: "RIGHT-TO-LEFT ISOLATE",
  0x2068: "FIRST STRONG ISOLATE",
  0x2069: "POP DIRECTIONAL ISOLATE",
  0x200b: "ZERO WIDTH SPACE",
  0x200c: "ZERO WIDTH NON-JOINER",
  0x200d: "ZERO WIDTH JOINER",
  0x2060: "WORD JOINER",
  0xfeff: "ZERO WIDTH NO-BREAK SPACE",
};

const HIDDEN = /[\u202A-\u202E\u2066-\u2069\u200B-\u200D\u2060\uFEFF]/g;

export type HiddenKind = "bidi" | "zero-width";

export interface HiddenChar {
  kind: HiddenKind;
  /** 1-based line, and column in UTF-16 code units (SARIF's default). */
  line: number;
  col: number;
  /** `U+202E RIGHT-TO-LEFT OVERRIDE`. */
  name: string;
  /** How many of this kind the line holds. */
  count: number;
}

function kindOf(code: number): HiddenKind {
  return (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) ? "bidi" : "zero-width";
}

/**
 * Joiners have honest uses: U+200D inside emoji sequences, U+200C and U+200D between letters
 * of scripts that need them (Persian, the Indic scripts). Between ASCII letters they are not.
 */
function legitimateJoiner(line: string, at: number): boolean {
  const code = line.charCodeAt(at);
  if (code !== 0x200c && code !== 0x200d) return false;
  const before = [...line.slice(0, at)].pop() ?? "";
  const after = [...line.slice(at + 1)][0] ?? "";
  if (code === 0x200d && /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u{FE0F}/u.test(before) && /\p{Extended_Pictographic}/u.test(after)) return true;
  const nonAscii = (before.codePointAt(0) ?? 0) > 0x7f || (after.codePointAt(0) ?? 0) > 0x7f;
  return nonAscii && /^[\p{L}\p{M}]$/u.test(before) && /^[\p{L}\p{M}]$/u.test(after);
}

/** One entry per line and kind, at the first such character of the line. */
export function hiddenCharacters(text: string): HiddenChar[] {
  const out: HiddenChar[] = [];
  text.split("\n").forEach((line, i) => {
    const byKind = new Map<HiddenKind, HiddenChar>();
    for (const m of line.matchAll(HIDDEN)) {
      const at = m.index ?? 0;
      const code = line.charCodeAt(at);
      // A byte order mark opening the file is an encoding marker, not content.
      if (code === 0xfeff && i === 0 && at === 0) continue;
      if (legitimateJoiner(line, at)) continue;
      const kind = kindOf(code);
      const seen = byKind.get(kind);
      if (seen) seen.count++;
      else byKind.set(kind, { kind, line: i + 1, col: at + 1, name: `U+${code.toString(16).toUpperCase()} ${NAMES[code]}`, count: 1 });
    }
    appendAll(out, byKind.values());
  });
  return out;
}

/** Whether a buffer can hold one of these characters in UTF-8 (all start with E2 80, E2 81 or EF BB). */
export function mayHoldHidden(buf: Buffer): boolean {
  return buf.includes(Buffer.from([0xe2, 0x80])) || buf.includes(Buffer.from([0xe2, 0x81])) || buf.includes(Buffer.from([0xef, 0xbb]));
}
