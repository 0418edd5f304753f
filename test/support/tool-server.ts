// A tool download site on 127.0.0.1 for tests: fixed bodies by path, a count of requests
// per path, and on request a body that is cut short after some bytes (a broken download).
// Archives are real tarballs made with the system's tar from trees the tests build.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";

export interface Route {
  body: Buffer | string;
  status?: number;
  /** Sends the full Content-Length but only this many bytes, then closes the connection. */
  truncateAt?: number;
  type?: string;
  /** Waits this long before answering, so that parallel requests overlap. */
  delayMs?: number;
}

export interface ToolServer {
  url: string;
  routes: Map<string, Route>;
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function startToolServer(): Promise<ToolServer> {
  const routes = new Map<string, Route>();
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(req.url ?? "/");
    hits.set(path, (hits.get(path) ?? 0) + 1);
    // A route named without a query answers any query (an API's paging and filters).
    const route = routes.get(path) ?? routes.get(path.split("?")[0] ?? "");
    if (!route) {
      res.writeHead(404).end("not found");
      return;
    }
    const body = Buffer.isBuffer(route.body) ? route.body : Buffer.from(route.body);
    if (route.delayMs) {
      setTimeout(() => send(res, route, body), route.delayMs);
      return;
    }
    send(res, route, body);
  });
  function send(res: ServerResponse, route: Route, body: Buffer): void {
    res.writeHead(route.status ?? 200, { "content-length": body.length, "content-type": route.type ?? "application/octet-stream" });
    if (route.truncateAt !== undefined) {
      res.write(body.subarray(0, route.truncateAt), () => res.socket?.destroy());
      return;
    }
    res.end(body);
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    routes,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

export function sha512Integrity(data: Buffer): string {
  return `sha512-${createHash("sha512").update(data).digest("base64")}`;
}

/** Writes files (path -> text; a leading "#!" makes it executable) under `root`. */
export function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, text);
    if (text.startsWith("#!")) chmodSync(full, 0o755);
  }
}

/** A gzipped tarball of `entry` (a file or directory name inside `parent`). */
export function tarball(parent: string, entry: string | string[]): Buffer {
  const out = join(parent, `.tarball-${process.pid}-${Date.now()}.tgz`);
  execFileSync("tar", ["-czf", out, "-C", parent, ...[entry].flat()]);
  const data = readFileSync(out);
  execFileSync("rm", ["-f", out]);
  return data;
}
