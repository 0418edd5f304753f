// Plain-text tables for reports: columns padded to their widest cell, numbers right-aligned.
import { style, type Out } from "./output.js";

export interface Column {
  title: string;
  /** Right-align: for numbers, so that their digits line up. */
  right?: boolean;
}

export function printTable(out: Out, columns: readonly Column[], rows: readonly (readonly string[])[]): void {
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? "";
        const width = widths[i] ?? 0;
        return c.right ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  out.log(style.bold(line(columns.map((c) => c.title))));
  for (const r of rows) out.log(line(r));
}
