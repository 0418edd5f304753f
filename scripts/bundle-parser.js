// Second half of `npm run build`: replaces tsc's output for src/workflow/github-parser.ts with a
// bundle of that module and GitHub's parser. The parser imports its JSON schemas without import
// attributes, which Node's ES module loader rejects; bundled, the schemas are plain objects in the
// bundle and no loader hook is needed. The package itself stays pinned and untouched in
// node_modules; its dependencies that tierci also uses directly stay shared imports.
import { build } from "esbuild";

await build({
  entryPoints: ["src/workflow/github-parser.ts"],
  outfile: "dist/src/workflow/github-parser.js",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: ["@actions/expressions", "yaml"],
  sourcemap: true,
  logLevel: "warning",
});
