// Turns a loaded repository and an event into a Plan: which workflows fire and why,
// their jobs with matrices expanded, grouped by tier.
import { evaluateValue, interpolate } from "../expr/evaluate.js";
import { evaluateStructure } from "../expr/structured.js";
import type { ExprContexts, ExprValue } from "../expr/value.js";
import type { Diagnostic, Job, Workflow, YamlValue } from "../workflow/model.js";
import type { Repository } from "../workflow/load.js";
import { isLocalWorkflowRef, localWorkflowPath } from "../workflow/reusable-check.js";
import { githubContext } from "./contexts.js";
import { workflowFires, type EventFacts } from "./event-filter.js";
import { resolveInputs } from "./inputs.js";
import { expandMatrix, jobDisplayName } from "./matrix.js";
import type { Plan, PlannedJob, PlannedTier, PlannedWorkflow } from "./plan-types.js";

export interface PlanEvent {
  name: string;
  payload: Record<string, unknown>;
  facts: EventFacts;
  sha: string;
  ref: string;
  actor: string;
  repository: string;
  /** `--input K=V` values for workflow_dispatch / workflow_call. */
  inputs: Record<string, string>;
  vars: Record<string, string>;
}

export interface PlanResult {
  plan: Plan;
  diagnostics: Diagnostic[];
}

const MAX_CALL_DEPTH = 4;

function diag(file: string, pos: { line: number; col: number }, message: string, hint: string, rule: string): Diagnostic {
  return { severity: "error", file, line: pos.line, col: pos.col, message, hint, rule };
}

function planContexts(ev: PlanEvent, workflow: Workflow, inputs: Record<string, YamlValue>): ExprContexts {
  return {
    github: githubContext({
      eventName: ev.name,
      payload: ev.payload,
      ref: ev.ref,
      sha: ev.sha,
      actor: ev.actor,
      workflow: workflow.name,
      repository: ev.repository,
    }),
    inputs: inputs as ExprValue,
    vars: ev.vars,
  };
}

const NEEDS_REF = /\bneeds\s*[.[]/;

class Planner {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly repo: Repository,
    private readonly ev: PlanEvent,
  ) {}

  planWorkflow(workflow: Workflow, inputs: Record<string, YamlValue>, depth: number): PlannedJob[] {
    const contexts = planContexts(this.ev, workflow, inputs);
    return workflow.jobs.flatMap((job) => this.planJob(workflow, job, contexts, depth));
  }

  private planJob(workflow: Workflow, job: Job, contexts: ExprContexts, depth: number): PlannedJob[] {
    const base = { id: job.id, needs: job.needs, job };
    const matrixSource = job.strategy?.matrix;
    let combos: (Record<string, YamlValue> | null)[] = [null];
    let deferred: string | undefined;
    if (matrixSource !== undefined) {
      const text = typeof matrixSource === "string" ? matrixSource : JSON.stringify(matrixSource);
      if (NEEDS_REF.test(text)) {
        deferred = "the matrix reads outputs of needed jobs, so it is expanded when they finish";
      } else {
        const expanded = this.expand(workflow, job, matrixSource, contexts);
        if (expanded) combos = expanded;
      }
    }
    return combos.map((matrix, index): PlannedJob => {
      const name = this.displayName(workflow, job, matrix, contexts);
      const planned: PlannedJob = {
        ...base,
        key: matrix ? jobDisplayName(job.id, undefined, matrix) : job.id,
        name,
        matrix,
        matrixIndex: index,
        matrixTotal: combos.length,
        ...(deferred ? { deferred } : {}),
      };
      if (job.uses !== undefined && isLocalWorkflowRef(job.uses)) this.planCall(workflow, job, planned, { ...contexts, matrix: matrix as ExprValue }, depth);
      return planned;
    });
  }

  private expand(
    workflow: Workflow,
    job: Job,
    source: NonNullable<NonNullable<Job["strategy"]>["matrix"]>,
    contexts: ExprContexts,
  ): Record<string, YamlValue>[] | undefined {
    let value: YamlValue;
    try {
      value = typeof source === "string" ? (evaluateValue(source, contexts) as YamlValue) : (evaluateStructure(source as ExprValue, contexts) as YamlValue);
    } catch (err) {
      this.diagnostics.push(
        diag(
          workflow.path,
          job.pos,
          `job '${job.id}': cannot evaluate the matrix: ${(err as Error).message}`,
          "fix the expression under strategy.matrix",
          "matrix",
        ),
      );
      return undefined;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      this.diagnostics.push(
        diag(
          workflow.path,
          job.pos,
          `job '${job.id}': the matrix must be a mapping, got ${JSON.stringify(value)}`,
          "make strategy.matrix a mapping of keys to lists",
          "matrix",
        ),
      );
      return undefined;
    }
    const result = expandMatrix(value);
    for (const message of result.errors) {
      this.diagnostics.push(diag(workflow.path, job.pos, `job '${job.id}': ${message}`, "fix strategy.matrix", "matrix"));
    }
    return result.errors.length > 0 ? undefined : result.combinations;
  }

  private displayName(workflow: Workflow, job: Job, matrix: Record<string, YamlValue> | null, contexts: ExprContexts): string {
    const raw = jobDisplayName(job.id, job.name, matrix ?? undefined);
    if (!raw.includes("${{") || NEEDS_REF.test(raw)) return raw;
    try {
      return interpolate(raw, { ...contexts, matrix: (matrix ?? {}) as ExprValue });
    } catch (err) {
      this.diagnostics.push(
        diag(workflow.path, job.pos, `job '${job.id}': cannot evaluate its name: ${(err as Error).message}`, "fix the expression in `name:`", "expression"),
      );
      return raw;
    }
  }

  private planCall(caller: Workflow, job: Job, planned: PlannedJob, contexts: ExprContexts, depth: number): void {
    const target = this.repo.byPath.get(localWorkflowPath(job.uses ?? ""));
    if (!target) return;
    if (depth >= MAX_CALL_DEPTH) {
      this.diagnostics.push(
        diag(
          caller.path,
          job.pos,
          `job '${job.id}': reusable workflows nest deeper than ${MAX_CALL_DEPTH} levels`,
          "flatten the chain of reusable workflows",
          "reusable-workflow",
        ),
      );
      return;
    }
    const given: Record<string, string> = {};
    let callInputs: Record<string, YamlValue>;
    try {
      callInputs = evaluateStructure(job.with as ExprValue, contexts) as Record<string, YamlValue>;
    } catch (err) {
      this.diagnostics.push(
        diag(caller.path, job.pos, `job '${job.id}': cannot evaluate \`with:\`: ${(err as Error).message}`, "fix the expressions under `with:`", "expression"),
      );
      return;
    }
    for (const [k, v] of Object.entries(callInputs)) given[k] = typeof v === "string" ? v : JSON.stringify(v);
    const defs = target.triggers.find((t) => t.event === "workflow_call")?.inputs ?? [];
    const resolved = resolveInputs(defs, given, "workflow_call");
    for (const message of resolved.errors)
      this.diagnostics.push(diag(caller.path, job.pos, `job '${job.id}': ${message}`, "fix the `with:` of this job", "inputs"));
    planned.callInputs = callInputs;
    planned.calls = {
      file: target.path,
      name: target.name,
      fired: true,
      reason: `called by job '${job.id}' of ${caller.fileName}`,
      jobs: this.planWorkflow(target, resolved.values, depth + 1),
      inputs: resolved.values,
      workflow: target,
    };
  }

  planTopLevel(workflow: Workflow): PlannedWorkflow {
    const decision = workflowFires(workflow.triggers, this.ev.facts);
    let inputs: Record<string, YamlValue> = {};
    if (decision.fired && (this.ev.name === "workflow_dispatch" || this.ev.name === "workflow_call")) {
      const trigger = workflow.triggers.find((t) => t.event === this.ev.name);
      const resolved = resolveInputs(trigger?.inputs ?? [], this.ev.inputs, this.ev.name);
      for (const message of resolved.errors) {
        const pos = trigger?.pos ?? { line: 1, col: 1 };
        this.diagnostics.push(diag(workflow.path, pos, message, "pass the inputs with --input NAME=VALUE", "inputs"));
      }
      inputs = resolved.values;
    }
    return {
      file: workflow.path,
      name: workflow.name,
      fired: decision.fired,
      reason: decision.reason,
      jobs: decision.fired ? this.planWorkflow(workflow, inputs, 0) : [],
      inputs,
      workflow,
    };
  }
}

export function buildPlan(repo: Repository, ev: PlanEvent): PlanResult {
  const planner = new Planner(repo, ev);
  const byFile = new Map(repo.workflows.map((w) => [w.fileName, w]));
  const tiers: PlannedTier[] = repo.tiers.map((tier) => ({
    name: tier.name,
    budgetMs: tier.budgetMs,
    reports: tier.reports ?? repo.reports,
    workflows: tier.workflows
      .map((f) => byFile.get(f))
      .filter((w): w is Workflow => w !== undefined)
      .map((w) => planner.planTopLevel(w)),
  }));
  return {
    plan: { event: ev.name, ref: ev.ref, sha: ev.sha, payload: ev.payload, changedFiles: ev.facts.changedFiles, tiers },
    diagnostics: planner.diagnostics,
  };
}
