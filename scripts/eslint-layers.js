// An ESLint rule that keeps tierci's folders in layers (ARCHITECTURE.md): a module under
// src/<folder>/ may import its own folder and the folders of lower layers, never a folder of its
// own layer or a higher one. The layer table is the rule's option, set in eslint.config.js.
import { dirname, join, relative, sep } from "node:path";

function folderOf(file, root) {
  const rel = relative(join(root, "src"), file);
  if (rel.startsWith("..") || rel === "") return undefined;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

const layers = {
  meta: {
    type: "problem",
    docs: { description: "lower layers of src/ never import higher ones" },
    schema: [
      {
        type: "object",
        properties: { layers: { type: "array", items: { type: "array", items: { type: "string" } } } },
        required: ["layers"],
        additionalProperties: false,
      },
    ],
    messages: {
      upward:
        "src/{{from}} (layer {{fromLayer}}) must not import src/{{to}} (layer {{toLayer}}): a folder imports only lower layers (see ARCHITECTURE.md, 'Layers')",
      unknown: "src/{{folder}} is in no layer: add it to the layer table in eslint.config.js (and to ARCHITECTURE.md)",
    },
  },
  create(context) {
    const table = new Map();
    context.options[0].layers.forEach((folders, i) => folders.forEach((f) => table.set(f, i + 1)));
    const root = context.cwd;
    const file = context.filename;
    const from = folderOf(file, root);
    if (from === undefined) return {};
    const check = (node, source) => {
      if (!source || typeof source.value !== "string" || !source.value.startsWith(".")) return;
      const to = folderOf(join(dirname(file), source.value), root);
      if (to === undefined || to === from) return;
      const fromLayer = table.get(from);
      const toLayer = table.get(to);
      if (fromLayer === undefined) return context.report({ node, messageId: "unknown", data: { folder: from } });
      if (toLayer === undefined) return context.report({ node, messageId: "unknown", data: { folder: to } });
      if (toLayer >= fromLayer) context.report({ node: source, messageId: "upward", data: { from, to, fromLayer, toLayer } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
    };
  },
};

export default { rules: { layers } };
