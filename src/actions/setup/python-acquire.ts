// The CPython a setup-python step gets, in the action's order: an installed interpreter
// (the machine's own, or the tool cache) that satisfies the version is used; check-latest
// asks the release index first; anything else is installed from python-build-standalone
// into the tool cache. Offline, or with the index unreachable, only installations count.
import { redactUrl } from "../../toolcache/http.js";
import { BuiltinFailure, type BuiltinRun } from "../builtin-types.js";
import { indexOrInstalled, installing, toolCacheOf } from "./acquire.js";
import { probePython, treePython, type InstalledPython } from "./python-interpreters.js";
import { installStandalone, latestRelease, latestReleaseUrl, standaloneTriple } from "./python-releases.js";
import { describeMissing, resolvePython, type PythonRequest } from "./python-versions.js";

export interface PythonNeed {
  request: PythonRequest;
  /** Node's architecture name: x64, arm64. */
  arch: string;
  checkLatest: boolean;
}

export async function acquirePython(run: BuiltinRun, need: PythonNeed, interpreters: InstalledPython[]): Promise<InstalledPython> {
  const { request } = need;
  const here = resolvePython(request, interpreters);
  if (here && !need.checkLatest) return here;
  const mirror = run.env["TIERCI_PYTHON_MIRROR"] ?? "";
  const triple = standaloneTriple(process.platform, need.arch);
  const missing = {
    ...describeMissing(request, interpreters),
    url: latestReleaseUrl(mirror),
    installHint: `uv python install ${request.input} or pyenv install ${request.input}`,
  };
  if (!triple && !run.offline)
    throw new BuiltinFailure(`${missing.what} is not installed, and python-build-standalone has no build for ${process.platform} ${need.arch}`);
  const got = await indexOrInstalled(
    run,
    "Python releases",
    () => latestRelease(mirror, triple ?? ""),
    here,
    (p) => `Python ${p.version}`,
    missing,
  );
  if ("installed" in got) return got.installed;
  const release = got.index;
  const build = resolvePython(request, release.builds);
  if (!build) {
    if (here) return here;
    const offered = release.builds.filter((b) => b.freethreaded === request.freethreaded).map((b) => b.version);
    throw new BuiltinFailure(
      `The version '${request.input}' with architecture '${need.arch}' was not found for this operating system: python-build-standalone ${release.tag} (${redactUrl(release.assetUrl)}) has ${offered.join(", ") || "no build for it"}`,
    );
  }
  const installed = interpreters.find((i) => i.version === build.version && i.freethreaded === build.freethreaded);
  if (installed) {
    run.log(`Resolved ${request.input} as ${build.version} from python-build-standalone ${release.tag}`);
    return installed;
  }
  const root = toolCacheOf(run);
  run.log(`Python ${build.version} is not installed here; installing python-build-standalone ${release.tag} into the tool cache ${root}`);
  const dir = await installing(
    run,
    `Python ${build.version}`,
    async () => (await installStandalone(release, build, need.arch, root, { signal: run.signal, log: run.log })).dir,
  );
  const python = await probePython({ path: treePython(dir), source: "tool cache" });
  if (!python || python.version !== build.version)
    throw new BuiltinFailure(`the Python installed in ${dir} does not run as ${build.version}${python ? ` (it reports ${python.version})` : ""}`);
  return python;
}
