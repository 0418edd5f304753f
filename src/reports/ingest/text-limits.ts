// Bounds on the text kept from a report: a failure's stack trace or captured output can
// be megabytes, and the store, health and HTML report only ever show the start of it.

export const MESSAGE_LIMIT = 1024;
export const DETAILS_LIMIT = 4096;

/** Collects text arriving in pieces, keeping only the first `limit` characters. */
export class BoundedText {
  private value = "";
  private cut = false;

  constructor(private readonly limit: number = DETAILS_LIMIT) {}

  append(piece: string): void {
    if (this.cut) return;
    const room = this.limit - this.value.length;
    if (piece.length <= room) {
      this.value += piece;
    } else {
      this.value += piece.slice(0, room);
      this.cut = true;
    }
  }

  /** The text without surrounding blank space, marked when it was cut; undefined when blank. */
  result(): string | undefined {
    const text = this.value.trim();
    if (text === "") return undefined;
    return this.cut ? `${text}…` : text;
  }
}

/** The first non-blank line, trimmed and bounded. */
export function firstLine(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  for (const line of text.split("\n", 50)) {
    const t = line.trim();
    if (t !== "") return t.length > MESSAGE_LIMIT ? `${t.slice(0, MESSAGE_LIMIT)}…` : t;
  }
  return undefined;
}

export function cutDetails(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  if (t === "") return undefined;
  return t.length > DETAILS_LIMIT ? `${t.slice(0, DETAILS_LIMIT)}…` : t;
}
