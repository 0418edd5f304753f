// `npm run docs`: writes docs/rules.md from the rule tables (after `npm run build`).
import { mkdirSync, writeFileSync } from "node:fs";
import { renderRulesDoc } from "../dist/src/reports/rules-doc.js";

mkdirSync("docs", { recursive: true });
writeFileSync("docs/rules.md", renderRulesDoc());
console.log("wrote docs/rules.md");
