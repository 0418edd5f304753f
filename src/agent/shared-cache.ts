// The agent's side of the caches a server's agents share: a miss in this machine's store asks the
// server, and a save here is offered to it, as a tar of the files with one top folder per path
// root (r0/, r1/, ...). What comes back is checked before it is unpacked: files and folders only.
import { execFile } from "node:child_process";
import { cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { SharedCache } from "../actions/builtin-types.js";
import { unsafeEntry } from "../util/tar-files.js";
import { ServerAnswer, type AgentClient } from "./agent-client.js";
import { downloadBlob, uploadBlob } from "./blob-transfer.js";

const exec = promisify(execFile);

export class AgentSharedCache implements SharedCache {
  constructor(
    private readonly client: AgentClient,
    private readonly jobId: number,
    private readonly lease: string,
    private readonly scratch: string,
  ) {}

  private temp(): string {
    mkdirSync(this.scratch, { recursive: true });
    return mkdtempSync(join(this.scratch, "cache-"));
  }

  async restore(q: { scopes: string[]; version: string; keys: string[]; roots: string[]; lookupOnly: boolean }): Promise<string | null> {
    const { found } = await this.client.json<{ found: { key: string; blob: string } | null }>("POST", `/api/agent/jobs/${this.jobId}/caches/lookup`, {
      json: { lease: this.lease, scopes: q.scopes, version: q.version, keys: q.keys },
    });
    if (found === null || q.lookupOnly) return found?.key ?? null;
    const dir = this.temp();
    try {
      const archive = join(dir, "cache.tar");
      await downloadBlob(this.client, found.blob, archive);
      const why = await unsafeEntry(archive);
      if (why !== undefined) throw new Error(`the shared cache was refused: ${why}`);
      const unpacked = join(dir, "files");
      mkdirSync(unpacked);
      await exec("tar", ["-C", unpacked, "-xf", archive, "--no-same-owner"]);
      for (const [i, root] of q.roots.entries()) {
        const from = join(unpacked, `r${i}`);
        if (existsSync(from)) cpSync(from, root, { recursive: true, force: true });
      }
      return found.key;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async save(q: { scope: string; version: string; key: string; roots: string[]; files: { root: number; rel: string }[] }): Promise<void> {
    const dir = this.temp();
    try {
      const staged = join(dir, "files");
      for (const f of q.files) {
        const root = q.roots[f.root];
        if (root === undefined) continue;
        const target = join(staged, `r${f.root}`, f.rel);
        mkdirSync(dirname(target), { recursive: true });
        try {
          linkSync(join(root, f.rel), target);
        } catch {
          cpSync(join(root, f.rel), target);
        }
      }
      if (!existsSync(staged) || readdirSync(staged).length === 0) return;
      const archive = join(dir, "cache.tar");
      await exec("tar", ["-C", staged, "-cf", archive, "."]);
      const blob = await uploadBlob(this.client, readFileSync(archive));
      try {
        await this.client.request("POST", `/api/agent/jobs/${this.jobId}/caches`, {
          json: { lease: this.lease, scope: q.scope, version: q.version, key: q.key, blob },
        });
      } catch (err) {
        // Another agent shared the key first: the first save wins, as on GitHub.
        if (!(err instanceof ServerAnswer && err.status === 409)) throw err;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
