// Blobs to and from the server, named by their SHA-256: an upload asks how much the server already
// has and sends the rest in chunks, so a dropped connection costs only the chunk in flight.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { ServerAnswer, type AgentClient } from "./agent-client.js";

const CHUNK_BYTES = 8 * 1024 * 1024;

export async function uploadBlob(client: AgentClient, data: Buffer): Promise<string> {
  const digest = createHash("sha256").update(data).digest("hex");
  for (let attempt = 0; attempt < 3; attempt++) {
    const status = await client.json<{ size: number; complete: boolean }>("GET", `/api/agent/blobs/${digest}/status`);
    if (status.complete) return digest;
    let size = status.size;
    while (size < data.length) {
      try {
        size = (await client.json<{ size: number }>("PUT", `/api/agent/blobs/${digest}?offset=${size}`, { bytes: data.subarray(size, size + CHUNK_BYTES) }))
          .size;
      } catch (err) {
        // Another upload of the same bytes moved on, or an answer was lost: go on from where the server is.
        if (err instanceof ServerAnswer && err.status === 409 && typeof err.body["size"] === "number") size = err.body["size"];
        else throw err;
      }
    }
    try {
      await client.request("POST", `/api/agent/blobs/${digest}/commit`);
      return digest;
    } catch (err) {
      if (!(err instanceof ServerAnswer && err.status === 422)) throw err;
    }
  }
  throw new Error(`the server kept refusing blob ${digest}: its bytes did not arrive intact`);
}

export async function downloadBlob(client: AgentClient, digest: string, path: string): Promise<void> {
  const res = await client.request("GET", `/api/agent/blobs/${digest}`, { timeoutMs: 30 * 60_000 });
  if (!res.body) throw new Error(`the server sent no bytes for blob ${digest}`);
  const hash = createHash("sha256");
  const source = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
  source.on("data", (chunk: Buffer) => hash.update(chunk));
  await pipeline(source, createWriteStream(path));
  if (hash.digest("hex") !== digest) throw new Error(`blob ${digest} arrived damaged`);
}
