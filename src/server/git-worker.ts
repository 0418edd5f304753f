// A worker thread that runs git for the server. Starting a process blocks the thread that starts
// it for as long as the kernel takes to fork a large process (tens of milliseconds for the
// server); here that blocks this thread, not the one answering webhooks.
import { execFile } from "node:child_process";
import { parentPort } from "node:worker_threads";

export interface GitRequest {
  id: number;
  args: string[];
  cwd: string | undefined;
  /** Added to the base environment (the server's, without its GIT_* variables). */
  env: NodeJS.ProcessEnv | undefined;
  timeoutMs: number;
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("GIT_")) env[k] = v;
  return { ...env, LC_ALL: "C", GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_NOSYSTEM: "1" };
}

const BASE_ENV = baseEnv();

parentPort?.on("message", (req: GitRequest) => {
  execFile(
    "git",
    req.args,
    { cwd: req.cwd, env: req.env ? { ...BASE_ENV, ...req.env } : BASE_ENV, timeout: req.timeoutMs, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" },
    (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : -1;
      const result: GitResult = { code, stdout, stderr: stderr || (err && code === -1 ? err.message : "") };
      parentPort?.postMessage({ id: req.id, ...result });
    },
  );
});
