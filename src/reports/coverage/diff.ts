// The lines a unified diff adds to each file, from the hunk headers of `git diff -U0`: without
// context, a hunk's new range is exactly the lines it added or changed.

/** Lines added or changed per file (the new path), ascending. Deleted files and binary changes add none. */
export function addedLines(diff: string): Map<string, number[]> {
  const files = new Map<string, number[]>();
  let current: number[] | undefined;
  // Between "diff --git" and the first hunk; a changed line that reads "++ x" shows as "+++ x" in
  // a hunk, where it is content, not a file name.
  let inHeader = false;
  for (const line of diff.split("\n")) {
    if (line.startsWith("diff --git ")) {
      inHeader = true;
      current = undefined;
      continue;
    }
    if (inHeader && line.startsWith("+++ ")) {
      const path = newPath(line.slice(4));
      if (path !== undefined) {
        current = files.get(path) ?? [];
        files.set(path, current);
      }
      continue;
    }
    if (current === undefined || !line.startsWith("@@ ")) continue;
    inHeader = false;
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk === null) continue;
    const start = Number(hunk[1]);
    const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
    for (let n = start; n < start + count; n++) current.push(n);
  }
  for (const [path, lines] of files) {
    if (lines.length === 0) files.delete(path);
    else lines.sort((a, b) => a - b);
  }
  return files;
}

/** The path of a `+++` line made with the `b/` prefix, or undefined for /dev/null. */
function newPath(text: string): string | undefined {
  // Git ends the name with a tab when it holds a space, for patch(1).
  const name = text.endsWith("\t") ? text.slice(0, -1) : text;
  if (name === "/dev/null") return undefined;
  const unquoted = name.startsWith('"') ? unquote(name) : name;
  return unquoted.startsWith("b/") ? unquoted.slice(2) : unquoted;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, "\\": 92 };

/** Git's C-style quoting of unusual names: backslash escapes and octal bytes of UTF-8. */
function unquote(quoted: string): string {
  const body = quoted.slice(1, quoted.endsWith('"') ? -1 : undefined);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] ?? "";
    if (ch !== "\\") {
      bytes.push(...Buffer.from(ch, "utf8"));
      continue;
    }
    const next = body[i + 1] ?? "";
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1, i + 4));
    if (octal !== null) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
