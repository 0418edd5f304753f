import js from "@eslint/js";
import tseslint from "typescript-eslint";
import tierci from "./scripts/eslint-layers.js";

/** src/ in layers, lowest first (ARCHITECTURE.md): a folder imports only from lower layers. */
export const LAYERS = [
  ["util", "glob", "formats"],
  ["expr", "git", "toolcache"],
  ["workflow"],
  ["plan", "store"],
  ["actions"],
  ["gates", "engine"],
  ["runner"],
  ["reports"],
  ["pipeline", "init"],
  ["server", "agent"],
  ["cli"],
];

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "examples/", "coverage/", ".cache/"] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
      "no-console": "off",
    },
  },
  {
    // Node cannot load the parser package as it is (it imports JSON without import attributes);
    // the build bundles it into github-parser.ts's output, so values come from there.
    files: ["**/*.ts"],
    ignores: ["src/workflow/github-parser.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@actions/workflow-parser", "@actions/workflow-parser/*"],
              allowTypeImports: true,
              message: "import GitHub's workflow parser from src/workflow/github-parser.ts, which the build bundles with its JSON schemas",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/**/*.ts"],
    ignores: ["src/**/*.test.ts"],
    plugins: { tierci },
    rules: { "tierci/layers": ["error", { layers: LAYERS }] },
  },
  {
    // A source file past 400 lines holds more than one job; split it by concern. Tests are exempt.
    files: ["src/**/*.ts"],
    ignores: ["src/**/*.test.ts"],
    rules: { "max-lines": ["error", { max: 400 }] },
  },
  {
    files: ["bin/**/*.js", "scripts/**/*.js", "eslint.config.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
);
