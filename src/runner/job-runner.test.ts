import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { PlannedWorkflow } from "../plan/plan-types.js";
import { buildWorkflow } from "../workflow/build-model.js";
import { parseYamlSource } from "../workflow/yaml-tree.js";
import { runJob } from "./job-runner.js";
import type { Annotation, JobResult, JobSink, StepInfo } from "./job-types.js";

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A directory with a JavaScript action whose post step leaves a mark in the log. */
function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), "tierci-job-runner-"));
  dirs.push(dir);
  mkdirSync(join(dir, "act"));
  writeFileSync(join(dir, "act", "action.yml"), "name: act\nruns:\n  using: node20\n  main: main.js\n  post: post.js\n");
  writeFileSync(join(dir, "act", "main.js"), "console.log('main of act');\n");
  writeFileSync(join(dir, "act", "post.js"), "console.log('post of act');\n");
  return dir;
}

interface Ran {
  result: JobResult;
  steps: Map<string, { outcome: string; conclusion: string }>;
  logs: string[];
  errors: string[];
}

async function run(steps: string, opts: { signal?: AbortSignal; repo?: string; onLog?: (line: string) => void } = {}): Promise<Ran> {
  const repo = opts.repo ?? repository();
  const text = `on: push\njobs:\n  j:\n    runs-on: ubuntu-latest\n    steps:\n${steps}`;
  const workflow = buildWorkflow(parseYamlSource(".github/workflows/w.yml", text), ".github/workflows/w.yml");
  const job = workflow.jobs[0];
  assert.ok(job);
  const planned: PlannedWorkflow = { file: workflow.path, name: workflow.name, fired: true, reason: "", inputs: {}, workflow, jobs: [] };
  const names = new Map<number, string>();
  const ran: Ran = { result: undefined as unknown as JobResult, steps: new Map(), logs: [], errors: [] };
  const sink: JobSink = {
    stepStart: (s: StepInfo) => names.set(s.index, s.name),
    stepEnd: (r) => ran.steps.set(r.name, { outcome: r.outcome, conclusion: r.conclusion }),
    log: (_i, _s, line) => {
      ran.logs.push(line);
      opts.onLog?.(line);
    },
    annotation: (_i, a: Annotation) => {
      if (a.level === "error") ran.errors.push(a.message);
    },
  };
  ran.result = await runJob({
    tier: "all",
    workflow: planned,
    job: { id: "j", key: "j", name: "j", matrix: null, needs: [], matrixIndex: 0, matrixTotal: 1, job },
    needs: {},
    strategy: {},
    event: { name: "push", payload: {}, sha: "0".repeat(40), ref: "refs/heads/main", actor: "me", repository: "o/r" },
    run: { id: "1", number: 1, attempt: 1 },
    signal: opts.signal ?? new AbortController().signal,
    options: {
      repoRoot: repo,
      stateDir: join(repo, ".tierci"),
      reuseWorkspace: true,
      keepWorkspace: false,
      actionDirs: [],
      offline: true,
      env: {},
      secrets: {},
      vars: {},
      debug: false,
      graceMs: { interrupt: 200, terminate: 200 },
    },
    sink,
  });
  return ran;
}

test("an error in a step's timeout-minutes fails that step; always() steps and earlier actions' posts still run", async () => {
  const ran = await run(`      - uses: ./act
      - name: bad timeout
        timeout-minutes: \${{ fromJSON('x') }}
        run: echo should-not-run
      - name: after
        run: echo after-ran
      - name: cleanup
        if: always()
        run: echo cleanup-ran
`);
  assert.equal(ran.result.conclusion, "failure");
  assert.deepEqual(ran.steps.get("bad timeout"), { outcome: "failure", conclusion: "failure" });
  assert.match(ran.errors.join("\n"), /determine the step timeout/);
  assert.ok(!ran.logs.includes("should-not-run"));
  assert.equal(ran.steps.get("after")?.conclusion, "skipped");
  assert.equal(ran.steps.get("cleanup")?.conclusion, "success");
  assert.ok(ran.logs.includes("cleanup-ran"));
  assert.equal(ran.steps.get("Post Run ./act")?.conclusion, "success");
  assert.ok(ran.logs.includes("post of act"));
});

test("a timeout-minutes that is text is refused as GitHub refuses it, not read as a number", async () => {
  const ran = await run(`      - name: text timeout
        timeout-minutes: \${{ '5' }}
        run: echo hi
`);
  assert.equal(ran.steps.get("text timeout")?.conclusion, "failure");
  assert.match(ran.errors.join("\n"), /timeout-minutes must be a number, got the string '5'/);
});

test("an error in if: fails the step; the job goes on to always() steps", async () => {
  const ran = await run(`      - name: bad if
        if: \${{ fromJSON('x') }}
        run: echo no
      - name: cleanup
        if: always()
        run: echo cleanup-ran
`);
  assert.equal(ran.steps.get("bad if")?.conclusion, "failure");
  assert.match(ran.errors.join("\n"), /if: expression failed/);
  assert.equal(ran.steps.get("cleanup")?.conclusion, "success");
  assert.equal(ran.result.conclusion, "failure");
});

test("continue-on-error is evaluated only when the step failed, and an error in it keeps the failure", async () => {
  const ran = await run(`      - name: passes
        continue-on-error: \${{ fromJSON('x') }}
        run: "true"
      - name: fails, bad flag
        continue-on-error: \${{ fromJSON('x') }}
        run: exit 3
      - name: fails, text flag
        if: always()
        continue-on-error: \${{ 'true' }}
        run: exit 3
      - name: fails, allowed
        if: always()
        continue-on-error: \${{ 1 == 1 }}
        run: exit 3
`);
  assert.deepEqual(ran.steps.get("passes"), { outcome: "success", conclusion: "success" });
  assert.deepEqual(ran.steps.get("fails, bad flag"), { outcome: "failure", conclusion: "failure" });
  assert.deepEqual(ran.steps.get("fails, text flag"), { outcome: "failure", conclusion: "failure" });
  assert.match(ran.errors.join("\n"), /continue-on-error must be true or false, got the string 'true'/);
  assert.deepEqual(ran.steps.get("fails, allowed"), { outcome: "failure", conclusion: "success" });
  assert.equal(ran.errors.filter((e) => /continue on error/.test(e)).length, 2, "the passing step's flag was never evaluated");
});

test("an error in a step's env fails that step only", async () => {
  const ran = await run(`      - name: bad env
        env:
          X: \${{ fromJSON('x') }}
        run: echo no
      - name: cleanup
        if: always()
        run: echo cleanup-ran
`);
  assert.equal(ran.steps.get("bad env")?.conclusion, "failure");
  assert.match(ran.errors.join("\n"), /env\.X:/);
  assert.doesNotMatch(ran.errors.join("\n"), /internal error/);
  assert.equal(ran.steps.get("cleanup")?.conclusion, "success");
});

test("env written as one expression is evaluated when the step starts", async () => {
  const ran = await run(`      - name: json env
        env: \${{ fromJSON('{"A":"one","B":2,"C":true}') }}
        run: echo "$A-$B-$C"
`);
  assert.equal(ran.steps.get("json env")?.conclusion, "success");
  assert.ok(ran.logs.includes("one-2-true"), ran.logs.join("\n"));
});

test("post steps run after a failure, newest first, and a failing post fails the job", async () => {
  const repo = repository();
  mkdirSync(join(repo, "act2"));
  writeFileSync(join(repo, "act2", "action.yml"), "name: act2\nruns:\n  using: node20\n  main: main.js\n  post: post.js\n");
  writeFileSync(join(repo, "act2", "main.js"), "");
  writeFileSync(join(repo, "act2", "post.js"), "console.log('post of act2'); process.exit(1);\n");
  const ran = await run(
    `      - uses: ./act
      - uses: ./act2
      - run: exit 1
`,
    { repo },
  );
  assert.equal(ran.result.conclusion, "failure");
  const order = ran.logs.filter((l) => l.startsWith("post of"));
  assert.deepEqual(order, ["post of act2", "post of act"]);
  assert.equal(ran.steps.get("Post Run ./act2")?.conclusion, "failure");
});

test("cancelling the job stops the running step; always() steps and posts still run, the job ends cancelled", async () => {
  const cancel = new AbortController();
  let started = 0;
  const ran = await run(
    `      - uses: ./act
      - name: long
        run: echo long-started; sleep 30
      - name: next
        run: echo next-ran
      - name: cleanup
        if: always()
        run: echo cleanup-ran
`,
    {
      signal: cancel.signal,
      onLog: (line) => {
        if (line !== "long-started") return;
        started = Date.now();
        cancel.abort();
      },
    },
  );
  assert.ok(started > 0 && Date.now() - started < 10_000, "the sleep was stopped, not waited for");
  assert.equal(ran.result.conclusion, "cancelled");
  assert.equal(ran.steps.get("long")?.conclusion, "cancelled");
  assert.equal(ran.steps.get("next")?.conclusion, "skipped");
  assert.ok(ran.logs.includes("cleanup-ran"));
  assert.ok(ran.logs.includes("post of act"));
});
