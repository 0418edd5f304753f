// Fetching indexes and archives for the tool cache. A failure says which URL and why, and
// tells "the network or host cannot be reached" apart from "the server answered no", since
// only the first makes a setup action fall back to another source or to what is installed.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { memoized } from "../util/memoize.js";

/** A URL as logs and messages may show it: a password or token in it is replaced by ***. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, "$1***@");
}

/** Text that may quote a URL, with the URL's credentials replaced. */
function redactIn(text: string, url: string): string {
  return text.split(url).join(redactUrl(url));
}

/** The host could not be reached at all: no network, no DNS, refused, timed out. */
export class UnreachableError extends Error {
  readonly url: string;
  readonly reason: string;

  constructor(url: string, reason: string) {
    super(`could not reach ${redactUrl(url)}: ${redactIn(reason, url)}`);
    this.url = redactUrl(url);
    this.reason = redactIn(reason, url);
  }
}

/** The server answered with an error status. */
export class HttpStatusError extends Error {
  constructor(
    url: string,
    readonly status: number,
  ) {
    super(`${redactUrl(url)} answered HTTP ${status}`);
  }
}

/** The bytes received are not the ones the index promised. */
export class ChecksumError extends Error {}

/** The transfer started but ended early. */
export class IncompleteDownloadError extends Error {}

export interface Checksum {
  algorithm: "sha256" | "sha512";
  /** Lower-case hex digest. */
  hex: string;
}

/** An npm `dist.integrity` (sha512-<base64>) as a checksum; undefined for other algorithms. */
export function checksumFromIntegrity(integrity: string): Checksum | undefined {
  const sri = integrity
    .split(/\s+/)
    .map((s) => /^sha512-([A-Za-z0-9+/=]+)$/.exec(s))
    .find((m) => m !== null);
  return sri?.[1] ? { algorithm: "sha512", hex: Buffer.from(sri[1], "base64").toString("hex") } : undefined;
}

const CONNECT_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
  "CERT_HAS_EXPIRED",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
]);

function networkReason(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && CONNECT_CODES.has(code)) {
      const message = (current as Error).message ?? "";
      return message.includes(code) ? message : `${code} ${message}`.trim();
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /** Gives up when the server sends nothing for this long. */
  idleMs?: number;
}

/** `<hex>  <file>` lines, as SHASUMS256.txt and SHA256SUMS have them: file -> lower-case hex. */
export function checksumLines(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split("\n")) {
    const m = /^([0-9a-fA-F]{64})\s+\*?(\S+)\s*$/.exec(line.trim());
    if (m?.[1] && m[2]) sums.set(m[2], m[1].toLowerCase());
  }
  return sums;
}

const INDEX_TIMEOUT_MS = 120_000;

async function request(url: string, opts: RequestOptions): Promise<Response> {
  let response: Response;
  try {
    const signal = opts.signal ?? AbortSignal.timeout(INDEX_TIMEOUT_MS);
    response = await fetch(url, { headers: { "user-agent": "tierci", ...opts.headers }, signal, redirect: "follow" });
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    throw new UnreachableError(url, networkReason(err) ?? (err as Error).message);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new HttpStatusError(url, response.status);
  }
  return response;
}

export async function fetchText(url: string, opts: RequestOptions = {}): Promise<string> {
  const response = await request(url, opts);
  try {
    return await response.text();
  } catch (err) {
    throw new UnreachableError(url, networkReason(err) ?? (err as Error).message);
  }
}

export async function fetchJson<T>(url: string, opts: RequestOptions = {}): Promise<T> {
  const text = await fetchText(url, opts);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${redactUrl(url)} did not answer JSON`);
  }
}

const fetched = new Map<string, Promise<unknown>>();

/**
 * One answer per key (a URL) and process: every job of a matrix reads the same index. A failure is
 * kept as well, so that jobs do not each wait on a host that cannot be reached. No job's
 * signal cancels the shared request; it has its own time limit.
 */
export function fetchOnce<T>(key: string, read: () => Promise<T>): Promise<T> {
  return memoized(fetched, key, read) as Promise<T>;
}

export interface Downloaded {
  bytes: number;
  ms: number;
}

/**
 * Streams `url` into `dest` while hashing it, and keeps the file only when its digest is
 * the expected one: a truncated or altered download is deleted and refused.
 */
export async function downloadVerified(url: string, dest: string, expected: Checksum, opts: RequestOptions = {}): Promise<Downloaded> {
  const start = performance.now();
  const idle = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, idle.signal]) : idle.signal;
  const response = await request(url, { ...opts, signal });
  const hash = createHash(expected.algorithm);
  let bytes = 0;
  let timer: NodeJS.Timeout | undefined;
  const idleMs = opts.idleMs ?? 60_000;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), idleMs);
  };
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      arm();
      bytes += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
  });
  arm();
  try {
    if (!response.body) throw new Error("no response body");
    await pipeline(Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>), meter, createWriteStream(dest));
  } catch (err) {
    await rm(dest, { force: true });
    if (opts.signal?.aborted) throw err;
    const reason = idle.signal.aborted ? `no data for ${Math.round(idleMs / 1000)} s` : (networkReason(err) ?? (err as Error).message);
    throw new IncompleteDownloadError(`${redactUrl(url)}: the download broke off after ${bytes} bytes (${redactIn(reason, url)}); nothing was installed`);
  } finally {
    clearTimeout(timer);
  }
  const actual = hash.digest("hex");
  if (actual !== expected.hex.toLowerCase()) {
    await rm(dest, { force: true });
    throw new ChecksumError(
      `${redactUrl(url)}: ${expected.algorithm} of the ${bytes} bytes received is ${actual}, but the index says ${expected.hex}; the download was refused`,
    );
  }
  return { bytes, ms: Math.round(performance.now() - start) };
}
