// Paths in reports made repository-relative. Reports name files in many ways: relative
// to where the tool ran, absolute on the machine that ran it (often another checkout of
// the same repository, such as a CI runner's or a job workspace's), or as file:// URIs.
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Absolute on any system a report may come from: POSIX, or a Windows drive (with forward slashes). */
export function isAbsolutePath(p: string): boolean {
  return p.startsWith("/") || /^[A-Za-z]:\//.test(p);
}

function normalizeRelative(p: string): string {
  const n = path.posix.normalize(p);
  return n === "." ? "" : n.replace(/^(?:\.\/)+/, "");
}

export class RepoPaths {
  readonly root: string;
  /** Prefixes of absolute paths found to be other checkouts of this repository. */
  private readonly foreignRoots: string[] = [];
  /** Reports name the same file many times (one SARIF result per finding); the disk is asked once. */
  private readonly resolvedAbsolute = new Map<string, string>();

  constructor(repoRoot: string) {
    this.root = path.resolve(repoRoot);
  }

  /**
   * A report's path as a repository-relative path with forward slashes. A relative path is
   * taken as relative to the repository root. An absolute path outside the root that cannot
   * be matched to a file under it is returned normalized, still absolute.
   */
  resolve(recorded: string): string {
    let p = recorded.trim();
    if (/^file:/i.test(p)) {
      try {
        p = fileURLToPath(p);
      } catch {
        return p;
      }
    }
    p = p.replaceAll("\\", "/");
    if (!isAbsolutePath(p)) return normalizeRelative(p);
    let resolved = this.resolvedAbsolute.get(p);
    if (resolved === undefined) {
      resolved = this.inside(p) ?? this.fromOtherCheckout(p) ?? path.posix.normalize(p);
      this.resolvedAbsolute.set(p, resolved);
    }
    return resolved;
  }

  /** The repository-relative path of an absolute path, only when that file exists here. */
  locate(absolute: string): string | undefined {
    const p = absolute.replaceAll("\\", "/");
    const rel = this.inside(p) ?? this.fromOtherCheckout(p);
    return rel !== undefined && existsSync(path.join(this.root, rel)) ? rel : undefined;
  }

  private inside(p: string): string | undefined {
    if (!p.startsWith("/")) return undefined;
    const rel = path.relative(this.root, p);
    if (rel === ".." || rel.startsWith("../") || path.isAbsolute(rel)) return undefined;
    return rel.replaceAll(path.sep, "/");
  }

  /**
   * Matches the longest tail of the path that exists under the root, and remembers the
   * prefix it cut so later paths of the same checkout map without looking at the disk.
   * The tail must have a directory in it: a bare file name such as setup.py or index.js
   * matches files of unrelated trees too easily.
   */
  private fromOtherCheckout(p: string): string | undefined {
    for (const prefix of this.foreignRoots) if (p.startsWith(prefix)) return normalizeRelative(p.slice(prefix.length));
    const parts = p.split("/");
    for (let i = 1; i < parts.length - 1; i++) {
      const tail = parts.slice(i).join("/");
      if (tail !== "" && existsSync(path.join(this.root, tail))) {
        this.foreignRoots.push(p.slice(0, p.length - tail.length));
        return normalizeRelative(tail);
      }
    }
    return undefined;
  }
}
