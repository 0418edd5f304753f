// Sets of line numbers as compact text, "1-4,9,12-13": covered and uncovered lines of a file are
// mostly long runs, so this is a fraction of the size of a list and still readable in the database.

export function encodeLines(lines: Iterable<number>): string {
  const parts: string[] = [];
  let start: number | undefined;
  let end = 0;
  const flush = (): void => {
    if (start !== undefined) parts.push(start === end ? String(start) : `${start}-${end}`);
  };
  for (const n of [...new Set(lines)].sort((a, b) => a - b)) {
    if (start !== undefined && n === end + 1) {
      end = n;
      continue;
    }
    flush();
    start = n;
    end = n;
  }
  flush();
  return parts.join(",");
}

/** Ascending. */
export function decodeLines(text: string): number[] {
  const lines: number[] = [];
  for (const part of text.split(",")) {
    if (part === "") continue;
    const [from, to = from] = part.split("-").map(Number);
    if (from === undefined || to === undefined) continue;
    for (let n = from; n <= to; n++) lines.push(n);
  }
  return lines;
}
