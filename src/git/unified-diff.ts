// git's unified diff read file by file: the lines a change adds (numbered in the new file)
// and removes (numbered in the old one). Hunks are read by their counts, so a removed line
// that reads "-- x" or an added one that reads "++ x" is never taken for a file header.
import { appendAll } from "../util/large-arrays.js";

export interface ChangedLine {
  line: number;
  text: string;
}

export interface FileChange {
  /** The path after the change; the old path for a deleted file. */
  path: string;
  added: ChangedLine[];
  removed: ChangedLine[];
  binary: boolean;
}

/** A C-quoted path as git prints names with special characters: `"a\tb"`. */
function unquote(text: string): string {
  if (!text.startsWith('"')) return text;
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, '"': 34, "\\": 92 };
  for (let i = 1; i < text.length - 1; i++) {
    const ch = text[i] as string;
    if (ch !== "\\") {
      appendAll(bytes, Buffer.from(ch, "utf8"));
      continue;
    }
    const next = text[i + 1] as string;
    const octal = /^[0-7]{3}/.exec(text.slice(i + 1));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** `a/x b/x` from the "diff --git" line, quoted or not; the ---/+++ lines that follow correct it for renames. */
function headerPath(rest: string): string {
  if (rest.startsWith('"')) {
    const end = rest.indexOf('" ', 1);
    return unquote(rest.slice(0, end + 1)).slice(2);
  }
  return rest.slice(2, (rest.length - 1) / 2);
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export function parseUnifiedDiff(text: string): FileChange[] {
  const files: FileChange[] = [];
  const lines = text.split("\n");
  let current: FileChange | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith("diff --git ")) {
      current = { path: headerPath(line.slice("diff --git ".length)), added: [], removed: [], binary: false };
      files.push(current);
    } else if (current === undefined) {
      continue;
    } else if (line.startsWith("--- ") || line.startsWith("+++ ")) {
      // git ends the name with a tab when it contains a space, so that patch tools find its end.
      const name = unquote(line.slice(4).replace(/\t$/, ""));
      if (name !== "/dev/null") current.path = name.slice(2);
    } else if (line.startsWith("Binary files ")) {
      current.binary = true;
    } else {
      const hunk = HUNK.exec(line);
      if (!hunk) continue;
      let oldLine = Number(hunk[1]);
      let newLine = Number(hunk[3]);
      let oldLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      let newLeft = hunk[4] === undefined ? 1 : Number(hunk[4]);
      // Count the hunk's lines instead of reading prefixes, so that a removed "-- x" is not taken for a header.
      while ((oldLeft > 0 || newLeft > 0) && i + 1 < lines.length) {
        const body = lines[++i] as string;
        if (body.startsWith("\\")) continue;
        const mark = body[0];
        const content = body.slice(1).replace(/\r$/, "");
        if (mark === "-") {
          current.removed.push({ line: oldLine++, text: content });
          oldLeft--;
        } else if (mark === "+") {
          current.added.push({ line: newLine++, text: content });
          newLeft--;
        } else {
          oldLine++;
          newLine++;
          oldLeft--;
          newLeft--;
        }
      }
    }
  }
  return files;
}
