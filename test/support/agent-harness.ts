// `tierci agent` processes for end-to-end tests, and a round-robin TCP balancer on loopback that
// stands where a team's load balancer would: it skips a replica that refuses connections.
import { spawn, type ChildProcess } from "node:child_process";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { resolve } from "node:path";
import { harnessDir, TOKENS } from "./server-harness.js";

const CLI = resolve("bin", "tierci.js");

export class TestAgent {
  private out = "";
  readonly exited: Promise<number | null>;
  readonly child: ChildProcess;

  constructor(
    server: string,
    readonly name: string,
    opts: { jobs?: number; labels?: string[]; token?: string; env?: NodeJS.ProcessEnv } = {},
  ) {
    const work = harnessDir("tierci-agent-");
    const args = [CLI, "agent", "--server", server, "--token-env", "AGENT_TOKEN", "--name", name, "--jobs", String(opts.jobs ?? 1), "--work", work];
    if (opts.labels) args.push("--labels", opts.labels.join(","));
    this.child = spawn(process.execPath, args, {
      env: { ...process.env, ...opts.env, AGENT_TOKEN: opts.token ?? TOKENS.agent },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout?.on("data", (d: Buffer) => (this.out += d.toString()));
    this.child.stderr?.on("data", (d: Buffer) => (this.out += d.toString()));
    this.exited = new Promise((done) => this.child.on("exit", (code) => done(code)));
  }

  log(): string {
    return this.out;
  }

  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** Connections go to the backends in turn; one that refuses is skipped for the next. */
export class Balancer {
  private next = 0;
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(backends: () => string[]): Promise<Balancer> {
    const holder: { self?: Balancer } = {};
    const server = createServer((client) => {
      holder.self?.sockets.add(client);
      client.on("close", () => holder.self?.sockets.delete(client));
      const urls = backends();
      const tryAt = (attempt: number): void => {
        if (attempt >= urls.length) return void client.destroy();
        const target = new URL(urls[(holder.self ? holder.self.next++ : 0) % urls.length] as string);
        const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
        let connected = false;
        upstream.once("connect", () => {
          connected = true;
          client.pipe(upstream);
          upstream.pipe(client);
          upstream.on("close", () => client.destroy());
          client.on("close", () => upstream.destroy());
        });
        upstream.on("error", () => {
          if (!connected && !client.destroyed) tryAt(attempt + 1);
          else client.destroy();
        });
      };
      tryAt(0);
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    holder.self = new Balancer(server, `http://127.0.0.1:${port}`);
    return holder.self;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((done) => this.server.close(() => done()));
  }
}
