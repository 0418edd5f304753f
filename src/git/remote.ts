// Turns a remote URL into the `owner/repo` that `github.repository` holds.

export interface RepoSlug {
  owner: string;
  name: string;
}

function slugFromPath(path: string): RepoSlug | undefined {
  const parts = path
    .replace(/\/+$/, "")
    .replace(/\.git$/, "")
    .split("/")
    .filter((p) => p !== "");
  // owner/repo exactly: deeper paths (GitLab subgroups, proxies) have no GitHub equivalent.
  if (parts.length !== 2) return undefined;
  const [owner, name] = parts as [string, string];
  return { owner, name };
}

/**
 * Parses `https://host/owner/repo(.git)`, `ssh://git@host[:port]/owner/repo.git`,
 * `git://host/owner/repo.git` and scp-like `git@host:owner/repo.git`. Any host is accepted
 * so that GitHub Enterprise remotes work too. Local paths and `file://` give undefined.
 */
export function parseRemoteUrl(url: string): RepoSlug | undefined {
  const trimmed = url.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed);
  if (scheme !== null) {
    const protocol = (scheme[1] as string).toLowerCase();
    if (!["http", "https", "ssh", "git", "git+ssh", "ssh+git"].includes(protocol)) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      return undefined;
    }
    if (parsed.hostname === "") return undefined;
    return slugFromPath(decodeURIComponent(parsed.pathname));
  }
  // scp-like syntax: [user@]host:path. A one-letter host is a Windows drive (C:/x), not a remote.
  const scp = /^(?:[^@/\s]+@)?([^:/\s]{2,}):(?!\/\/)(.+)$/.exec(trimmed);
  if (scp !== null) return slugFromPath(scp[2] as string);
  return undefined;
}
