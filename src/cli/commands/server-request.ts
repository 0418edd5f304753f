// One JSON request to a tierci server, bounded in time, for the commands that talk to one.
export class ServerUnreachable extends Error {}

export interface ServerResponse {
  status: number;
  body: unknown;
}

export async function serverRequest(
  server: string,
  path: string,
  opts: { token?: string; body: unknown; headers?: Record<string, string>; raw?: Buffer },
): Promise<ServerResponse> {
  let url: URL;
  try {
    url = new URL(path.replace(/^\/+/, ""), server.endsWith("/") ? server : `${server}/`);
  } catch {
    throw new ServerUnreachable(`'${server}' is not a URL; give the server as http://HOST:PORT`);
  }
  const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
  if (opts.token) headers["authorization"] = `Bearer ${opts.token}`;
  let res: Response;
  try {
    res = await fetch(url, { method: "POST", headers, body: opts.raw ?? JSON.stringify(opts.body), signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new ServerUnreachable(`cannot reach ${url.origin}: ${cause}; is tierci serve running there?`);
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return { status: res.status, body };
}
