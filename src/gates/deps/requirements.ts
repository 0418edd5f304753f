// pip requirements files: pinned requirements become dependencies, `-r` includes are
// followed, and everything pip would install without a pinned version becomes a note.
import { appendAll } from "../../util/large-arrays.js";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { AuditNote, Dependency, ParseResult } from "./manifest.js";
import { isVersion } from "./osv-range.js";
import { parseRequirement } from "./pep508.js";

const INCLUDE = /^(?:-r|--requirement)(?:\s*=\s*|\s+|(?=\S))(\S+)$/;
const EDITABLE = /^(?:-e|--editable)(?:\s*=\s*|\s+)(\S+)/;
const URL_OR_PATH = /^(?:\.{1,2}[\\/]|[\\/]|~|[a-z][a-z0-9+.-]*:\/\/|git\+|hg\+|svn\+|bzr\+)|\.(?:whl|zip|tar\.gz|tgz|tar\.bz2)$/i;

/** Physical lines joined where they end in a backslash, with the number of the first one. */
function logicalLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const current = pending ?? { text: "", line: i + 1 };
    if (raw.endsWith("\\")) {
      current.text += raw.slice(0, -1);
      pending = current;
    } else {
      current.text += raw;
      out.push(current);
      pending = undefined;
    }
  });
  if (pending) out.push(pending);
  return out;
}

/**
 * Parses `file` (relative to `root`) and the files it includes. `visited` holds absolute paths
 * already read, so that a file included twice, or found both by discovery and by an include,
 * is audited once.
 */
export function parseRequirements(root: string, file: string, visited: Set<string>): ParseResult {
  const result: ParseResult = { dependencies: [], notes: [] };
  const absolute = resolve(root, file);
  if (visited.has(absolute)) return result;
  visited.add(absolute);
  const rel = relative(root, absolute).split("\\").join("/");
  const note = (line: number, message: string): void => void result.notes.push({ file: rel, line, message } satisfies AuditNote);

  for (const { text, line } of logicalLines(readFileSync(absolute, "utf8"))) {
    const content = text.replace(/(?:^|\s)#.*$/, "").trim();
    if (content === "") continue;
    const include = INCLUDE.exec(content);
    if (include) {
      const target = join(dirname(absolute), include[1] as string);
      if (!existsSync(target)) note(line, `cannot audit the included file ${include[1]}: it does not exist`);
      else {
        const nested = parseRequirements(root, relative(root, target), visited);
        appendAll(result.dependencies, nested.dependencies);
        appendAll(result.notes, nested.notes);
      }
      continue;
    }
    const editable = EDITABLE.exec(content);
    if (editable) {
      note(line, `cannot audit the editable install ${editable[1]}: it has no released version`);
      continue;
    }
    // Constraints files and index or build options install nothing by themselves.
    if (content.startsWith("-")) continue;
    // Per-requirement options such as --hash follow the requirement.
    const spec = (content.split(/\s+--?[A-Za-z]/)[0] ?? "").trim();
    if (URL_OR_PATH.test(spec)) {
      note(line, `cannot audit ${spec}: a path or URL has no released version to match`);
      continue;
    }
    const req = parseRequirement(spec);
    if (!req) note(line, `cannot audit '${spec}': not a requirement pip would read`);
    else if ("unpinned" in req) note(line, `cannot audit unpinned ${req.name} (${req.unpinned}): pin it with == or audit a lockfile`);
    else if (!isVersion("PyPI", req.version)) note(line, `cannot audit ${req.name} ${req.version}: not a PEP 440 version`);
    else result.dependencies.push({ ecosystem: "PyPI", name: req.name, version: req.version, file: rel, line } satisfies Dependency);
  }
  return result;
}
