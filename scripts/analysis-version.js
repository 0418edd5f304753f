// Last step of `npm run build`: writes dist/src/workflow/analysis-version.json, the name of the
// code that turns a workflow file into a model and diagnostics. Kept workflow results
// (src/workflow/load-cache.ts) are used only by the build that made them, so a changed check, an
// upgraded parser or a new tierci never reads a result an older one computed.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const hash = createHash("sha256");
// Every compiled module, the bundled parser included: any change to tierci's code is a new version.
const files = readdirSync("dist/src", { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".js") && !f.endsWith(".test.js"))
  .sort();
for (const f of files)
  hash
    .update(`${f}\0`)
    .update(readFileSync(join("dist/src", f)))
    .update("\0");
// The packages the compiled modules import rather than bundle.
for (const pkg of ["@actions/workflow-parser", "@actions/expressions", "yaml"]) {
  const { version } = JSON.parse(readFileSync(join("node_modules", pkg, "package.json"), "utf8"));
  hash.update(`${pkg}@${version}\0`);
}
writeFileSync("dist/src/workflow/analysis-version.json", `${JSON.stringify({ version: hash.digest("hex") })}\n`);
