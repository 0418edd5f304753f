// The labels an agent carries: `self-hosted`, its operating system and architecture as GitHub
// names them for self-hosted runners, and the ones it is given.

const LABEL = /^[A-Za-z0-9._-]{1,64}$/;

export function osLabel(platform: NodeJS.Platform = process.platform): string {
  return platform === "darwin" ? "macos" : platform === "win32" ? "windows" : "linux";
}

export function archLabel(arch: string = process.arch): string {
  return arch === "arm64" ? "arm64" : arch === "arm" ? "arm" : arch === "ia32" ? "x86" : "x64";
}

/** The agent's labels, lowercased and without repeats; throws naming a label that is not allowed. */
export function agentLabels(extra: readonly string[], platform: NodeJS.Platform = process.platform, arch: string = process.arch): string[] {
  for (const l of extra) {
    if (!LABEL.test(l)) throw new Error(`--labels: '${l}' is not a label (letters, digits, '.', '_' and '-', at most 64)`);
  }
  return [...new Set(["self-hosted", osLabel(platform), archLabel(arch), ...extra.map((l) => l.toLowerCase())])];
}

export function validName(name: string): boolean {
  return LABEL.test(name);
}
