// The Node.js a setup-node step gets, in actions/setup-node's order: a version or range
// that an installation satisfies (the machine's own, or the tool cache) is used as it is;
// an alias (lts/*, latest) or check-latest asks the release index first; anything else is
// downloaded into the tool cache. Offline, or with no index reachable, only installations
// count, and a missing version fails naming what would get it.
import { join } from "node:path";
import { UnreachableError, redactUrl } from "../../toolcache/http.js";
import { BuiltinFailure, type BuiltinRun } from "../builtin-types.js";
import { indexOrInstalled, installing, toolCacheOf } from "./acquire.js";
import { distSource, npmRegistry, registrySource, type NodeRelease, type NodeSource } from "./node-releases.js";
import { cachedNodes, installedNodes, installedNodeVersions, isNodeAlias, probeNode, resolveNode, type NodeInstall } from "./node-versions.js";

export interface NodeRequest {
  spec: string;
  /** Node's architecture name: x64, arm64. */
  arch: string;
  checkLatest: boolean;
  /** The action's `mirror` input; TIERCI_NODE_MIRROR when empty. */
  mirror: string;
  mirrorToken: string;
}

/** The dist site first (a mirror when one is set), then the npm registry for when only that is reachable. */
export function nodeSources(run: Pick<BuiltinRun, "env">, req: NodeRequest): NodeSource[] {
  const platform = { os: process.platform, arch: req.arch };
  const mirror = req.mirror || run.env["TIERCI_NODE_MIRROR"] || "https://nodejs.org";
  const headers = req.mirrorToken ? { authorization: req.mirrorToken } : undefined;
  return [distSource(mirror, platform, headers), registrySource(npmRegistry(), platform)];
}

/** The first source that can be reached, with its releases. */
async function releaseIndex(run: BuiltinRun, sources: NodeSource[]): Promise<{ source: NodeSource; releases: NodeRelease[] }> {
  let last: unknown;
  for (const [i, source] of sources.entries()) {
    try {
      return { source, releases: await source.releases() };
    } catch (err) {
      if (!(err instanceof UnreachableError)) throw err;
      last = err;
      const next = sources[i + 1];
      if (next) run.log(`${err.message}; trying ${redactUrl(next.indexUrl)}`);
    }
  }
  throw last;
}

export async function acquireNode(run: BuiltinRun, req: NodeRequest): Promise<NodeInstall> {
  const root = toolCacheOf(run);
  const local = [...(await installedNodes()), ...(await cachedNodes(root, req.arch))].filter((n) => n.arch === req.arch);
  const floating = isNodeAlias(req.spec) || req.checkLatest;
  const here = resolveNode(req.spec, local);
  if (!floating && "install" in here) return here.install;
  const sources = nodeSources(run, req);
  const missing = {
    what: `Node.js ${req.spec} (${req.arch})`,
    installed: `installed: ${installedNodeVersions(local)}`,
    url: sources.map((s) => s.indexUrl).join(", or "),
    installHint: `nvm install ${req.spec}`,
  };
  const found = floating && "install" in here ? here.install : undefined;
  const got = await indexOrInstalled(
    run,
    "Node.js releases",
    () => releaseIndex(run, sources),
    found,
    (n) => `Node.js ${n.version} for '${req.spec}'`,
    missing,
  );
  if ("installed" in got) return got.installed;
  const index = got.index;
  const wanted = resolveNode(req.spec, index.releases);
  if ("error" in wanted)
    throw new BuiltinFailure(
      `Unable to find Node version '${req.spec}' for platform ${process.platform} and architecture ${req.arch} in ${redactUrl(index.source.indexUrl)}`,
    );
  const version = wanted.install.version;
  const installed = local.find((n) => n.version === version);
  if (installed) {
    if (floating) run.log(`Resolved '${req.spec}' as ${version} from ${redactUrl(index.source.indexUrl)}`);
    return installed;
  }
  run.log(`Node.js ${version} is not installed here; installing it into the tool cache ${root}`);
  const dir = await installing(run, `Node.js ${version}`, async () => (await index.source.install(version, root, { signal: run.signal, log: run.log })).dir);
  const node = await probeNode({ path: join(dir, "bin", "node"), source: "tool cache" });
  if (!node || node.version !== version)
    throw new BuiltinFailure(`the Node.js installed in ${dir} does not run as ${version}${node ? ` (it reports ${node.version})` : ""}`);
  return node;
}
