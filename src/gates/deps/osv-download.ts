// `tierci deps db update`: OSV's per-ecosystem exports fetched over HTTPS (or from a mirror), each
// checked for size and completeness before the import, which replaces an ecosystem's advisories
// in one transaction, so a broken download leaves the database as it was.
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { OsvDatabaseError } from "./osv-db.js";
import type { Ecosystem } from "./osv-range.js";

export const OSV_EXPORTS = "https://osv-vulnerabilities.storage.googleapis.com";

/** PyPI's export is ~50 MB and npm's ~200 MB today; far past that is not an export. */
const MAX_EXPORT_BYTES = 4 * 1024 * 1024 * 1024;
const TIMEOUT_MS = 30 * 60_000;

export function exportUrlOf(base: string, ecosystem: Ecosystem): string {
  return `${base.replace(/\/+$/, "")}/${ecosystem}/all.zip`;
}

/** Downloads one export into `dir`; the file's path, or an error saying what to do instead. */
export async function downloadExport(base: string, ecosystem: Ecosystem, dir: string, signal?: AbortSignal): Promise<string> {
  const url = exportUrlOf(base, ecosystem);
  const offline = (why: string): OsvDatabaseError =>
    new OsvDatabaseError(`cannot download ${url} (${why}); on a machine with network, download it and run \`tierci deps db import ${ecosystem}-all.zip\` here`);
  let res: Response;
  try {
    res = await fetch(url, { signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw offline(cause?.code ?? cause?.message ?? (err as Error).message);
  }
  if (!res.ok || !res.body) throw offline(`HTTP ${res.status}`);
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > MAX_EXPORT_BYTES) throw offline(`it is ${declared} bytes, more than an OSV export can be`);
  await mkdir(dir, { recursive: true });
  const file = join(dir, `.download-${ecosystem}-all.zip`);
  let received = 0;
  const counted = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>).map((chunk: Buffer) => {
    received += chunk.length;
    if (received > MAX_EXPORT_BYTES) throw offline("it is larger than an OSV export can be");
    return chunk;
  });
  try {
    await pipeline(counted, createWriteStream(file));
  } catch (err) {
    await rm(file, { force: true });
    throw err instanceof OsvDatabaseError ? err : offline(`the download broke off: ${(err as Error).message}`);
  }
  if (Number.isFinite(declared) && received !== declared) {
    await rm(file, { force: true });
    throw offline(`received ${received} of ${declared} bytes`);
  }
  return file;
}
