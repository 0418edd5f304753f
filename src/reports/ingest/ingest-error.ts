// The one error every reader throws, so a caller can turn any bad report into an
// annotation pointing at the file (and the place in it) without knowing the format.

export class IngestError extends Error {
  override readonly name = "IngestError";

  constructor(
    readonly file: string,
    readonly reason: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`${file}${line === undefined ? "" : `:${line}${column === undefined ? "" : `:${column}`}`}: ${reason}`);
  }
}

/** Wraps a failure to open or read a report, which is not a parse error but is reported the same way. */
export function readFailure(file: string, err: unknown): IngestError {
  if (err instanceof IngestError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : `cannot read: ${err instanceof Error ? err.message : String(err)}`;
  return new IngestError(file, reason);
}

/** Line and column (1-based) of a character offset, for formats read whole (JSON, lcov). */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
