// What `${{ }}` expressions refer to, checked against what the workflow declares: inputs,
// the jobs a job needs and their outputs, earlier steps, matrix keys. Each of these reads
// as empty at run time when misspelled, so the mistake only shows as wrong behaviour.
// Also: fromJSON of JSON text that is cut short, objects pasted into strings (they print
// as "Object"), and comparisons of an object or array with a plain value (never equal).
import { data } from "@actions/expressions";
import { FunctionCall, IndexAccess, Literal, Logical, type Expr } from "@actions/expressions/ast";
import { isMap, isPair, isScalar, isSeq, type Node } from "yaml";
import { entries, get, items, resolve, toValue } from "../yaml-tree.js";
import { hasExpression, posInScalar, type CheckContext, type JobNodes } from "./context.js";
import { childrenOf, parseExpression, scanExpressions, type Found } from "./expr.js";
import { brokenJson, isComparison, isComposite, isPrimitive, pathOf, typeOf, typeOfJson, unionOf, type Path, type Type, type TypeScope } from "./expr-types.js";
import { containsExpression, matrixOf, valuesOfKey } from "./matrix.js";

const RULE = "expression";

interface Scope extends TypeScope {
  job?: JobNodes;
  /** Index of the step the expression belongs to; undefined for job-level fields. */
  step?: number;
  /** `jobs` is only available in `on.workflow_call.outputs`. */
  callOutputs?: boolean;
}

interface Declared {
  inputs: Map<string, string>;
  dispatchInputs: Set<string>;
  hasCall: boolean;
  hasDispatch: boolean;
}

function declared(ctx: CheckContext): Declared {
  const inputs = new Map<string, string>();
  const dispatchInputs = new Set<string>();
  for (const t of ctx.workflow.triggers) {
    for (const i of t.inputs ?? []) {
      inputs.set(i.name.toLowerCase(), i.type);
      if (t.event === "workflow_dispatch") dispatchInputs.add(i.name.toLowerCase());
    }
  }
  const events = new Set(ctx.workflow.triggers.map((t) => t.event));
  return { inputs, dispatchInputs, hasCall: events.has("workflow_call"), hasDispatch: events.has("workflow_dispatch") };
}

export function checkExpressions(ctx: CheckContext): void {
  const decl = declared(ctx);
  const noMatrix: TypeScope = { matrixKey: () => undefined };
  for (const e of entries(ctx.src, ctx.root)) {
    if (e.key === "jobs") continue;
    walkStrings(ctx, e.value, (node) => checkString(ctx, decl, node, { ...noMatrix, callOutputs: isCallOutputs(ctx, e.key, node) }));
  }
  for (const job of ctx.jobs) {
    const scope = jobScope(ctx, job);
    for (const e of entries(ctx.src, job.node)) {
      if (e.key === "steps") {
        items(ctx.src, e.value).forEach((step, i) => walkStrings(ctx, step, (node) => checkString(ctx, decl, node, { ...scope, step: i })));
      } else {
        walkStrings(ctx, e.value, (node) => checkString(ctx, decl, node, scope));
      }
    }
  }
}

function isCallOutputs(ctx: CheckContext, rootKey: string, node: Node): boolean {
  if (rootKey !== "on") return false;
  const outputs = get(ctx.src, get(ctx.src, ctx.on, "workflow_call"), "outputs");
  return entries(ctx.src, outputs).some((o) => resolve(ctx.src, get(ctx.src, o.value, "value")) === node);
}

function walkStrings(ctx: CheckContext, node: Node | undefined, visit: (node: Node) => void): void {
  const n = resolve(ctx.src, node);
  if (isScalar(n)) {
    if (typeof n.value === "string" && hasExpression(n.value)) visit(n);
  } else if (isMap(n)) {
    for (const pair of n.items) if (isPair(pair)) walkStrings(ctx, pair.value as Node | undefined, visit);
  } else if (isSeq(n)) {
    for (const item of n.items) walkStrings(ctx, item as Node, visit);
  }
}

function jobScope(ctx: CheckContext, job: JobNodes): Scope {
  const matrix = matrixOf(ctx, job);
  const cache = new Map<string, Type | undefined>();
  return {
    job,
    matrixKey(key) {
      if (!matrix) return undefined;
      if (!cache.has(key)) {
        const values = valuesOfKey(ctx, matrix, key);
        cache.set(key, values === undefined || values === "dynamic" ? undefined : unionOf(values.map((v) => typeOfMatrixValue(ctx, v))));
      }
      return cache.get(key);
    },
  };
}

function typeOfMatrixValue(ctx: CheckContext, node: Node): Type {
  const value = toValue(ctx.src, node);
  if (typeof value === "string") {
    const found = scanExpressions(value);
    const only = found[0];
    if (found.length === 1 && only && only.start === 0 && only.end === value.length) {
      const expr = parseExpression(only.inner);
      return expr ? typeOf(expr, { matrixKey: () => undefined }) : { kind: "any" };
    }
  }
  if (containsExpression(value) && typeof value !== "object") return { kind: "any" };
  return typeOfJson(value);
}

function checkString(ctx: CheckContext, decl: Declared, node: Node, scope: Scope): void {
  const text = String((node as { value: unknown }).value);
  const found = scanExpressions(text);
  let outside = text;
  for (const f of [...found].reverse()) outside = outside.slice(0, f.start) + outside.slice(f.end);
  const embedded = outside !== "" || found.length > 1;
  for (const f of found) {
    const expr = parseExpression(f.inner);
    if (expr === undefined) continue;
    const at = posInScalar(ctx.src, node, f.start);
    const report: Report = (message, hint, fallback = false) => (fallback ? ctx.warn : ctx.error).call(ctx, at, RULE, message, hint);
    checkNode(expr, undefined, report, decl, scope, ctx);
    if (embedded) checkEmbedded(ctx, node, f, expr, scope);
  }
}

/** `fallback`: the value is the left side of `||`, so a missing one may be deliberate and only merits a warning. */
type Report = (message: string, hint: string, fallback?: boolean) => void;

function checkNode(node: Expr, parent: Expr | undefined, report: Report, decl: Declared, scope: Scope, ctx: CheckContext): void {
  const inAccessChain = parent instanceof IndexAccess && parent.expr === node;
  if (node instanceof IndexAccess && !inAccessChain) {
    const path = pathOf(node);
    const fallback = parent instanceof Logical && parent.operator.lexeme === "||";
    if (path) checkPath(path, (message, hint) => report(message, hint, fallback), decl, scope, ctx);
  }
  if (node instanceof FunctionCall && node.functionName.lexeme.toLowerCase() === "fromjson") {
    const arg = node.args[0];
    if (arg instanceof Literal && arg.literal.kind === data.Kind.String && brokenJson(arg.literal.coerceString())) {
      report(
        `fromJSON is given ${JSON.stringify(arg.literal.coerceString())}, which is not complete JSON, so the expression fails`,
        "fix the JSON text: close every quote and bracket",
      );
    }
  }
  if (node instanceof FunctionCall && node.functionName.lexeme.toLowerCase() === "contains" && node.args[0] && typeOf(node.args[0], scope).kind === "object") {
    report(
      "contains() searches a string or an array, but is given an object, so it is always false",
      "search one of the object's properties, or its keys with contains(toJSON(...), ...)",
    );
  }
  if (isComparison(node)) {
    const left = typeOf(node.left, scope);
    const right = typeOf(node.right, scope);
    if ((isComposite(left) && isPrimitive(right)) || (isPrimitive(left) && isComposite(right))) {
      report(
        `'${node.operator.lexeme}' compares ${article(left.kind)} with ${article(right.kind)}; an object or array never equals or orders with a plain value`,
        "compare a property of the object (e.g. matrix.os.name), or convert with toJSON()",
      );
    }
  }
  for (const child of childrenOf(node)) checkNode(child, node, report, decl, scope, ctx);
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

function checkEmbedded(ctx: CheckContext, node: Node, f: Found, expr: Expr, scope: Scope): void {
  const t = typeOf(expr, scope);
  const at = posInScalar(ctx.src, node, f.start);
  if (isComposite(t)) {
    ctx.error(
      at,
      RULE,
      `\${{${f.inner}}} is ${t.kind === "array" ? "an array" : "an object"}, which reads as '${t.kind === "array" ? "Array" : "Object"}' inside a string`,
      "pick a property of it, or convert it with toJSON()",
    );
  } else if (t.kind === "null" && expr instanceof Literal) {
    ctx.warn(at, RULE, "${{ null }} inside a string reads as an empty string", "remove it");
  }
}

function known(names: Iterable<string>): string {
  const list = [...names];
  return list.length === 0 ? "none" : list.map((n) => `'${n}'`).join(", ");
}

function checkPath(path: Path, report: Report, decl: Declared, scope: Scope, ctx: CheckContext): void {
  const [root, first, second, third] = path;
  // Filters and computed indexes select values this check cannot name.
  if (first === null || first === undefined || path.slice(0, 4).includes("*")) return;
  const job = scope.job;
  switch (root) {
    case "inputs":
      if (!decl.inputs.has(first)) {
        report(
          `inputs.${first} is not an input of this workflow (inputs: ${known(decl.inputs.keys())})`,
          "fix the name, or declare the input under on.workflow_dispatch.inputs or on.workflow_call.inputs",
        );
      } else if (path.length > 2) {
        report(`inputs.${first} is a ${decl.inputs.get(first)}, so it has no property '${second ?? "[...]"}'`, `use inputs.${first} itself`);
      }
      return;
    case "github":
      if (first === "event" && second === "inputs" && third && decl.hasDispatch && !decl.hasCall && !decl.dispatchInputs.has(third)) {
        report(
          `github.event.inputs.${third} is not an input of workflow_dispatch (inputs: ${known(decl.dispatchInputs)})`,
          "fix the name, or declare the input under on.workflow_dispatch.inputs",
        );
      }
      return;
    case "vars":
    case "secrets":
    case "env":
      if (path.length > 2)
        report(
          `${root}.${first} is a string, so it has no property '${second ?? "[...]"}'`,
          `use ${root}.${first} itself; to read JSON in it, use fromJSON(${root}.${first})`,
        );
      return;
    case "needs":
      if (job) checkNeeds(ctx, job, first, second, third, report);
      return;
    case "steps":
      if (job) checkSteps(ctx, job, scope.step, first, report);
      return;
    case "jobs":
      if (scope.callOutputs) checkJobsOutput(ctx, first, second, third, report);
      return;
    case "matrix":
      if (job) checkMatrixKey(ctx, job, first, report);
      return;
  }
}

function jobById(ctx: CheckContext, id: string): JobNodes | undefined {
  return ctx.jobs.find((j) => j.model.id.toLowerCase() === id);
}

function checkOutput(
  ctx: CheckContext,
  job: JobNodes,
  prefix: string,
  second: string | null | undefined,
  third: string | null | undefined,
  report: Report,
): void {
  // A called workflow's outputs live in another file, and outputs given as one expression are only known at run time.
  if (second !== "outputs" || !third || job.model.uses !== undefined) return;
  const outputsNode = resolve(ctx.src, get(ctx.src, job.node, "outputs"));
  if (outputsNode !== undefined && !isMap(outputsNode)) return;
  const outputs = Object.keys(job.model.outputs);
  if (!outputs.some((o) => o.toLowerCase() === third)) {
    report(
      `${prefix}.outputs.${third} is not an output of job '${job.model.id}' (outputs: ${known(outputs)})`,
      `fix the name, or add it under jobs.${job.model.id}.outputs`,
    );
  }
}

function checkNeeds(
  ctx: CheckContext,
  job: JobNodes,
  first: string,
  second: string | null | undefined,
  third: string | null | undefined,
  report: Report,
): void {
  if (!job.model.needs.some((n) => n.toLowerCase() === first)) {
    report(
      `needs.${first} refers to a job that '${job.model.id}' does not need (needs: ${known(job.model.needs)})`,
      `add '${first}' to jobs.${job.model.id}.needs`,
    );
    return;
  }
  const needed = jobById(ctx, first);
  if (needed) checkOutput(ctx, needed, `needs.${first}`, second, third, report);
}

function checkJobsOutput(ctx: CheckContext, first: string, second: string | null | undefined, third: string | null | undefined, report: Report): void {
  const target = jobById(ctx, first);
  if (!target) {
    report(`jobs.${first} is not a job of this workflow (jobs: ${known(ctx.jobs.map((j) => j.model.id))})`, "fix the job id");
    return;
  }
  checkOutput(ctx, target, `jobs.${first}`, second, third, report);
}

function checkSteps(ctx: CheckContext, job: JobNodes, step: number | undefined, id: string, report: Report): void {
  const steps = job.model.steps;
  const index = steps.findIndex((s) => s.id?.toLowerCase() === id);
  if (index < 0) {
    report(
      `steps.${id} is not the id of a step in job '${job.model.id}' (ids: ${known(steps.flatMap((s) => (s.id ? [s.id] : [])))})`,
      "fix the id, or give the step `id:`",
    );
  } else if (step !== undefined && index >= step) {
    const which = index === step ? "this step itself" : "a later step";
    report(`steps.${id} is ${which}, which has not run yet here`, `read it from a step after '${id}'`);
  }
}

function checkMatrixKey(ctx: CheckContext, job: JobNodes, key: string, report: Report): void {
  const strategy = get(ctx.src, job.node, "strategy");
  const matrixNode = resolve(ctx.src, get(ctx.src, strategy, "matrix"));
  if (matrixNode === undefined) {
    report(`matrix.${key} is used, but job '${job.model.id}' has no matrix`, "add strategy.matrix to the job, or use another context");
    return;
  }
  const matrix = matrixOf(ctx, job);
  if (!matrix) return;
  const include = resolve(ctx.src, matrix.include);
  if (include !== undefined && (!isSeq(include) || items(ctx.src, include).some((i) => !isMap(i)))) return;
  const keys = new Set([...matrix.vectors.keys()].map((k) => k.toLowerCase()));
  for (const entry of items(ctx.src, include)) for (const e of entries(ctx.src, entry)) keys.add(e.key.toLowerCase());
  // A key written as an expression is only known when the job starts.
  if ([...keys].some(hasExpression)) return;
  if (!keys.has(key))
    report(`matrix.${key} is not a key of the matrix of job '${job.model.id}' (keys: ${known(keys)})`, "fix the key, or add it to strategy.matrix");
}
