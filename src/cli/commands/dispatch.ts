// `tierci dispatch`: run a workflow on a tierci server by hand, with typed inputs, as GitHub's
// "Run workflow" button does. The token is read from an environment variable, never an argument.
import type { Out } from "../output.js";
import { serverRequest, ServerUnreachable } from "./server-request.js";

export interface DispatchOptions {
  server: string;
  ref?: string;
  input: string[];
  tokenEnv: string;
}

export async function dispatchCommand(out: Out, repo: string, workflow: string, o: DispatchOptions): Promise<number> {
  const inputs: Record<string, string> = {};
  for (const pair of o.input) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      out.err(`tierci dispatch: --input takes NAME=VALUE, got '${pair}'`);
      return 2;
    }
    inputs[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  if (!/^[^/\s]+\/[^/\s]+$/.test(repo)) {
    out.err(`tierci dispatch: the repository is OWNER/NAME as in the server's config, got '${repo}'`);
    return 2;
  }
  const token = process.env[o.tokenEnv];
  if (!token) {
    out.err(`tierci dispatch: set ${o.tokenEnv} to a token of role trigger (or name another variable with --token-env)`);
    return 2;
  }
  const file = workflow.replace(/^\.github\/workflows\//, "");
  try {
    const res = await serverRequest(o.server, `/api/repos/${repo}/dispatches`, { token, body: { workflow: file, ...(o.ref ? { ref: o.ref } : {}), inputs } });
    const body = res.body as { run_id?: string; errors?: string[]; error?: string };
    if (res.status === 201) {
      out.log(`queued run ${body.run_id ?? "?"} of ${file} on ${repo}`);
      return 0;
    }
    for (const e of body.errors ?? [body.error ?? `HTTP ${res.status}`]) out.err(`tierci dispatch: ${e}`);
    return res.status === 422 || res.status === 404 ? 2 : 1;
  } catch (err) {
    if (!(err instanceof ServerUnreachable)) throw err;
    out.err(`tierci dispatch: ${err.message}`);
    return 1;
  }
}
