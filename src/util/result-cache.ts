// Results of a pure computation over a file's text, kept on disk between runs so that a later
// start with the same input skips the computation and the modules it needs. An entry is used
// only when it is whole and was made from the same input by the same code: its name and its
// content both carry the key, and a digest of the content must match. Anything else is a miss,
// never an error: the cache can always be deleted.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";

const DIGEST_BYTES = 32;

function sha256(...parts: (string | Buffer)[]): Buffer {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing was written there, or nothing can be removed there either.
  }
}

/** What decides an entry: the code that computed it (`version`) and every input it read, in order. */
export function cacheKey(version: string, inputs: readonly string[]): string {
  // Lengths first, so that no two different lists of inputs give the same bytes.
  return sha256(version, "\0", JSON.stringify(inputs.map((i) => i.length)), "\0", ...inputs).toString("hex");
}

export class ResultCache {
  /**
   * `version` names the code whose results are kept (its build, and the V8 that serializes them);
   * entries another version wrote are misses.
   */
  constructor(
    private readonly dir: string,
    private readonly version: string,
  ) {}

  /**
   * One entry per `slot` (a file's path, say): a new result for the slot replaces the old one, so
   * the cache holds one entry for each file however often the file changes.
   */
  private pathOf(slot: string): string {
    return join(this.dir, `${sha256(slot).toString("hex").slice(0, 32)}.bin`);
  }

  /** The kept result for these inputs, if there is one that `isValid` accepts. */
  get<T>(slot: string, inputs: readonly string[], isValid: (value: unknown) => value is T): T | undefined {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.pathOf(slot));
    } catch {
      return undefined;
    }
    if (bytes.length <= DIGEST_BYTES) return undefined;
    const body = bytes.subarray(DIGEST_BYTES);
    if (!sha256(body).equals(bytes.subarray(0, DIGEST_BYTES))) return undefined;
    let entry: unknown;
    try {
      entry = deserialize(body);
    } catch {
      return undefined;
    }
    if (typeof entry !== "object" || entry === null) return undefined;
    const { key, value } = entry as { key?: unknown; value?: unknown };
    return key === cacheKey(this.version, inputs) && isValid(value) ? value : undefined;
  }

  /** Keeps a result; a cache that cannot be written (a read-only checkout) is left as it is. */
  set(slot: string, inputs: readonly string[], value: unknown): void {
    const path = this.pathOf(slot);
    // Written aside and renamed into place, so that a reader never sees half an entry and two
    // processes writing the same slot leave one whole entry.
    const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
    let body: Buffer;
    try {
      body = serialize({ key: cacheKey(this.version, inputs), value });
    } catch {
      return;
    }
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(temp, Buffer.concat([sha256(body), body]));
      renameSync(temp, path);
    } catch {
      removeQuietly(temp);
    }
  }
}
