// YAML anchors and aliases. GitHub's YAML reader has no merge keys, so `<<: *base` is an
// error. Anchors nothing refers to are harmless, but usually the leftover of an edit or an
// alias pointing at the wrong anchor, so they are warnings.
import { isAlias, isMap, isNode, isPair, isScalar, isSeq, type Node } from "yaml";
import type { CheckContext } from "./context.js";

const RULE = "anchors";

export function checkAnchors(ctx: CheckContext): void {
  // An alias refers to the closest anchor of that name before it, so walk in document order.
  const current = new Map<string, { node: Node; used: boolean }>();
  const defined: { name: string; node: Node; entry: { used: boolean } }[] = [];
  const visit = (node: unknown): void => {
    if (isPair(node)) {
      if (isScalar(node.key) && node.key.value === "<<" && node.key.type === "PLAIN") {
        ctx.error(
          node.key,
          RULE,
          "GitHub does not support YAML merge keys ('<<'); the entry is read as a key named '<<'",
          "repeat the keys, or alias the whole mapping with *name",
        );
      }
      visit(node.key);
      visit(node.value);
      return;
    }
    if (!isNode(node)) return;
    if (isAlias(node)) {
      const target = current.get(node.source);
      if (target) target.used = true;
      return;
    }
    if (node.anchor) {
      const entry = { node, used: false };
      current.set(node.anchor, entry);
      defined.push({ name: node.anchor, node, entry });
    }
    if (isMap(node) || isSeq(node)) for (const item of node.items) visit(item);
  };
  visit(ctx.src.doc.contents);
  for (const d of defined) {
    if (!d.entry.used) ctx.warn(d.node, RULE, `anchor '&${d.name}' is never used`, `remove '&${d.name}', or refer to it with '*${d.name}'`);
  }
}
