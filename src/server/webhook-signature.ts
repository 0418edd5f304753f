// Webhook signatures: GitHub's X-Hub-Signature-256 (`sha256=` and a hex HMAC-SHA256 of the body)
// and Gitea/Forgejo's X-Gitea-Signature (the hex HMAC alone), checked in constant time by
// @octokit/webhooks-methods against the exact bytes received.
import { verify } from "@octokit/webhooks-methods";

export type Forge = "github" | "gitea";

export async function signatureValid(forge: Forge, secret: string, body: Buffer, signature: string | undefined): Promise<boolean> {
  if (signature === undefined) return false;
  const normalized = forge === "gitea" ? `sha256=${signature.trim()}` : signature.trim();
  if (!/^sha256=[0-9a-f]{64}$/i.test(normalized)) return false;
  try {
    return await verify(secret, body.toString("utf8"), normalized.toLowerCase());
  } catch {
    return false;
  }
}
