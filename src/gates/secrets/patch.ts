// Reads `git log -p` / `git diff` output one line at a time and turns the lines each commit
// added to each file into fragments, with their line numbers in the new file. Hunk headers
// give exact line counts, so a hunk's content is never mistaken for a header.
import { appendAll } from "../../util/large-arrays.js";
import type { CommitMeta, Fragment } from "./detector.js";

/** The `--format` that starts each commit: a line no header or hunk line can start with. */
export const COMMIT_FORMAT = "%x01%H%x01%aI%x01%ae%x01%an";

/** Options that make git's patch output predictable whatever the user's configuration. */
export const PATCH_OPTIONS = ["-p", "-U0", "--no-color", "--no-renames", "--no-ext-diff", "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/"];

export interface PatchStats {
  commits: number;
  files: number;
  bytes: number;
  /** File diffs whose added lines exceeded the size limit and were not scanned. */
  oversized: number;
}

const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** Undoes git's C-style quoting of a path (`"a/caf\303\251 \"x\".txt"`). */
export function unquotePath(raw: string): string {
  if (!raw.startsWith('"') || !raw.endsWith('"') || raw.length < 2) return raw;
  const bytes: number[] = [];
  const body = raw.slice(1, -1);
  const simple: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== "\\") {
      appendAll(bytes, Buffer.from(c, "utf8"));
      continue;
    }
    const next = body[i + 1] ?? "";
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(simple[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** The path after `+++ ` or in `diff --git a/P b/P`, without its prefix. */
function newSidePath(field: string): string | undefined {
  // git ends the name with a tab when it contains a space, to make it unambiguous.
  const name = unquotePath(field.endsWith("\t") ? field.slice(0, -1) : field);
  if (name === "/dev/null") return undefined;
  return name.startsWith("b/") ? name.slice(2) : name;
}

/** `diff --git a/P b/P` without renames names the same path twice; the new side is enough. */
function pathFromDiffHeader(rest: string): string | undefined {
  if (rest.startsWith('"')) {
    const m = /^"(?:[^"\\]|\\.)*" ("(?:[^"\\]|\\.)*"|.*)$/.exec(rest);
    return m ? newSidePath(m[1] as string) : undefined;
  }
  const half = (rest.length - 1) / 2;
  if (!Number.isInteger(half)) return undefined;
  return newSidePath(rest.slice(half + 1));
}

export class PatchParser {
  readonly stats: PatchStats = { commits: 0, files: 0, bytes: 0, oversized: 0 };
  private commit: CommitMeta | undefined;
  private path: string | undefined;
  private lines: string[] = [];
  private numbers: number[] = [];
  private size = 0;
  private oversized = false;
  private inFile = false;
  private oldLeft = 0;
  private newLeft = 0;
  private nextLine = 0;

  constructor(
    private readonly emit: (fragment: Fragment) => void,
    private readonly maxBytes: number,
  ) {}

  /** Takes the line text[start, end) (the whole string by default), so that the caller need not cut it out. */
  line(text: string, start = 0, end = text.length): void {
    if (this.oldLeft > 0 || this.newLeft > 0) {
      this.hunkLine(text, start, end);
      return;
    }
    if (text.charCodeAt(start) === 1) {
      this.flush();
      const [sha = "", date = "", email = "", author = ""] = text.slice(start + 1, end).split("\x01");
      this.commit = { sha, date, email, author };
      this.stats.commits += 1;
    } else if (text.startsWith("diff --git ", start)) {
      this.flush();
      this.inFile = true;
      this.path = pathFromDiffHeader(text.slice(start + "diff --git ".length, end));
    } else if (text.startsWith("+++ ", start)) {
      this.path = newSidePath(text.slice(start + 4, end));
    } else if (text.startsWith("@@ ", start)) {
      const m = HUNK.exec(text.slice(start, end));
      if (!m) return;
      this.oldLeft = m[1] === undefined ? 1 : Number(m[1]);
      this.nextLine = Number(m[2]);
      this.newLeft = m[3] === undefined ? 1 : Number(m[3]);
    }
  }

  private hunkLine(text: string, start: number, end: number): void {
    const kind = text.charCodeAt(start);
    if (kind === 43 /* + */) {
      this.add(text.slice(start + 1, end));
      this.newLeft -= 1;
    } else if (kind === 45 /* - */) {
      this.oldLeft -= 1;
    } else if (kind !== 92 /* \ No newline at end of file */) {
      // Context (only with -U > 0).
      this.oldLeft -= 1;
      this.newLeft -= 1;
      this.nextLine += 1;
    }
  }

  private add(text: string): void {
    const line = this.nextLine++;
    if (this.oversized) return;
    this.size += text.length + 1;
    if (this.size > this.maxBytes) {
      this.oversized = true;
      this.lines = [];
      this.numbers = [];
      return;
    }
    this.lines.push(text);
    this.numbers.push(line);
  }

  private flush(): void {
    if (this.inFile && this.path !== undefined) {
      this.stats.files += 1;
      if (this.oversized) this.stats.oversized += 1;
      else {
        const text = this.lines.join("\n");
        this.stats.bytes += text.length;
        this.emit({ path: this.path, text, lineNumbers: this.numbers, ...(this.commit ? { commit: this.commit } : {}) });
      }
    }
    this.inFile = false;
    this.path = undefined;
    this.lines = [];
    this.numbers = [];
    this.size = 0;
    this.oversized = false;
    this.oldLeft = 0;
    this.newLeft = 0;
  }

  end(): void {
    this.flush();
  }
}
