// An SSE response: fastify hands the raw response over, and proxies are asked not to buffer it.
import type { ServerResponse } from "node:http";
import type { FastifyReply } from "fastify";

export function startEventStream(reply: FastifyReply): ServerResponse {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-store",
    connection: "keep-alive",
    "x-accel-buffering": "no",
    "x-content-type-options": "nosniff",
  });
  return res;
}
