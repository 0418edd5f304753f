// GitHub's workflow parser, as tierci reaches it: every import of @actions/workflow-parser goes
// through this module. The package imports its JSON schemas without import attributes, which
// Node's ES module loader rejects, so `npm run build` replaces this module's output with a bundle
// of it and the parser (scripts/bundle-parser.js) that holds the schemas inline.
export { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
export { ErrorPolicy } from "@actions/workflow-parser/model/convert";
