// An event file (`--event-path`): read as a JSON object, merged over the synthesized payload, and
// read for typed fields, each problem naming the file and the field.
import { readFileSync } from "node:fs";
import { ZERO_SHA, resolveCommit } from "../git/git.js";

export type Json = Record<string, unknown>;

export class EventPayloadError extends Error {
  override readonly name = "EventPayloadError";
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads an event file, failing with the path in the message when it is missing or not a JSON object. */
export function readEventFile(path: string): Json {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : `cannot be read (${(err as Error).message})`;
    throw new EventPayloadError(`event file ${path} ${why}`, path);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new EventPayloadError(`event file ${path} is not valid JSON: ${(err as Error).message}`, path);
  }
  if (!isObject(parsed)) throw new EventPayloadError(`event file ${path} must hold a JSON object, like a webhook payload`, path);
  return parsed;
}

/** Objects merge key by key; anything else in `over` (arrays included) replaces what `base` has. */
export function deepMerge(base: Json, over: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

/** Reads typed fields out of the event file, naming the file and field when one has the wrong type. */
export class Overrides {
  constructor(
    readonly data: Json,
    private readonly path: string,
  ) {}

  private at(keys: readonly string[]): unknown {
    let value: unknown = this.data;
    for (const key of keys) {
      if (!isObject(value)) return undefined;
      value = value[key];
    }
    return value;
  }

  string(...keys: string[]): string | undefined {
    const value = this.at(keys);
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string") throw new EventPayloadError(`event file ${this.path}: ${keys.join(".")} must be a string`, this.path);
    return value;
  }

  number(...keys: string[]): number | undefined {
    const value = this.at(keys);
    if (value === undefined || value === null) return undefined;
    const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
      throw new EventPayloadError(`event file ${this.path}: ${keys.join(".")} must be a whole number`, this.path);
    }
    return n;
  }

  /**
   * A commit named by the file, resolved to its sha; it must exist locally to diff against it.
   * Only a push's `before` may be all zeros (a new branch).
   */
  commit(dir: string, keys: string[], zeroAllowed = false): string | undefined {
    const rev = this.string(...keys);
    if (rev === undefined) return undefined;
    if (rev === ZERO_SHA) {
      if (zeroAllowed) return rev;
      throw new EventPayloadError(`event file ${this.path}: ${keys.join(".")} must name a commit, not all zeros`, this.path);
    }
    const sha = resolveCommit(dir, rev);
    if (sha === undefined) {
      throw new EventPayloadError(
        `event file ${this.path}: ${keys.join(".")} '${rev}' is not a commit in this repository; fetch it or change the file`,
        this.path,
      );
    }
    return sha;
  }
}
