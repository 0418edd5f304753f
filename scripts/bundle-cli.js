// Last part of `npm run build`: bundles the command line (tsc's dist/src/cli/main.js and all it
// imports, lazily imported commands as chunks of their own) into dist/cli/, which bin/tierci.js
// loads. Node resolves and compiles ES modules one file at a time; a few chunks start in a fraction
// of the time of some 250 files. dist/src stays as tsc wrote it, for the tests and the worker threads.
import { build } from "esbuild";
import { readFile, rm, writeFile } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";

const OUT = resolve("dist/cli");

// Packages left to Node's resolver: native code found next to the package's own files, or
// packages only the server and tests use, which gain nothing from bundling.
const EXTERNAL = ["better-sqlite3", "pg", "pg-*", "fastify", "@fastify/*", "@octokit/*", "prom-client", "playwright-core", "pino"];

/**
 * A module that finds files next to itself (workers, package.json, the analysis version) keeps
 * finding them in dist/src: its `import.meta.url` becomes the URL of its compiled file, computed
 * from the chunk's own URL, since every chunk sits in dist/cli itself.
 */
const ownLocation = {
  name: "own-location",
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, async (args) => {
      const text = await readFile(args.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      const url = `new URL(${JSON.stringify(relative(OUT, args.path).split("\\").join("/"))}, import.meta.url).href`;
      return { contents: text.replaceAll("import.meta.url", url), loader: "js", resolveDir: dirname(args.path) };
    });
  },
};

await rm(OUT, { recursive: true, force: true });
const result = await build({
  entryPoints: { main: "dist/src/cli/main.js" },
  outdir: OUT,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunk-[hash]",
  external: EXTERNAL,
  // Bundled CommonJS packages (commander, picomatch) call require() for Node's own modules.
  banner: { js: 'import { createRequire as __tierciCreateRequire } from "node:module"; const require = __tierciCreateRequire(import.meta.url);' },
  keepNames: true,
  metafile: true,
  plugins: [ownLocation],
  logLevel: "warning",
});
// Which source files each chunk holds: the start-up test reads it to tell what a command loaded.
const contents = Object.fromEntries(
  Object.entries(result.metafile.outputs).map(([file, o]) => [relative(OUT, resolve(file)).split("\\").join("/"), Object.keys(o.inputs).sort()]),
);
await writeFile(resolve(OUT, "contents.json"), `${JSON.stringify(contents, null, 1)}\n`);
