import { test } from "node:test";
import assert from "node:assert/strict";
import { buildDag, transitiveNeeds, validateNeeds, type DagJob } from "./dag.js";

const job = (id: string, ...needs: string[]): DagJob => ({ id, needs });

test("jobs without needs form one level in file order", () => {
  const dag = buildDag([job("lint"), job("security"), job("types")]);
  assert.deepEqual(dag.errors, []);
  assert.deepEqual(dag.order, ["lint", "security", "types"]);
  assert.deepEqual(dag.levels, [["lint", "security", "types"]]);
});

test("levels group the jobs that can start together", () => {
  const dag = buildDag([
    job("deploy", "unit", "integration"),
    job("lint"),
    job("unit", "lint"),
    job("integration", "lint"),
    job("docs"),
    job("report", "deploy", "docs"),
  ]);
  assert.deepEqual(dag.errors, []);
  assert.deepEqual(dag.levels, [["lint", "docs"], ["unit", "integration"], ["deploy"], ["report"]]);
  assert.deepEqual(dag.order, ["lint", "unit", "integration", "deploy", "docs", "report"]);
});

test("the order stays as close to file order as the needs allow", () => {
  const dag = buildDag([job("a"), job("b", "c"), job("c"), job("d", "a")]);
  assert.deepEqual(dag.order, ["a", "c", "b", "d"]);
  assert.deepEqual(dag.levels, [
    ["a", "c"],
    ["b", "d"],
  ]);
});

test("an unknown need is an error naming it and the known jobs", () => {
  const dag = buildDag([job("build"), job("test", "biuld")]);
  assert.deepEqual(dag.errors, [
    {
      jobId: "test",
      kind: "unknown-need",
      message: "job 'test' needs 'biuld', which is not a job in this workflow; known jobs: build, test",
    },
  ]);
  // The bad need is otherwise ignored, so a plan can still be shown.
  assert.deepEqual(dag.order, ["build", "test"]);
});

test("a job that needs itself is an error", () => {
  const dag = buildDag([job("a", "a")]);
  assert.equal(dag.errors.length, 1);
  assert.equal(dag.errors[0]?.kind, "self-need");
  assert.equal(dag.errors[0]?.jobId, "a");
  assert.match(dag.errors[0]?.message ?? "", /job 'a' needs itself/);
});

test("a cycle is reported once with its path, from the job first in the file", () => {
  const dag = buildDag([job("a", "b"), job("c", "d"), job("d", "a"), job("b", "c"), job("e"), job("f", "d")]);
  assert.deepEqual(dag.errors, [
    {
      jobId: "a",
      kind: "cycle",
      message: "jobs need each other in a cycle: a -> b -> c -> d -> a (each job needs the next); remove one of these needs",
    },
  ]);
  // Jobs on the cycle and the jobs behind it cannot be ordered.
  assert.deepEqual(dag.order, ["e"]);
  assert.deepEqual(dag.levels, [["e"]]);
});

test("the smallest cycle", () => {
  const dag = buildDag([job("from", "to"), job("to", "from")]);
  assert.deepEqual(
    dag.errors.map((e) => e.message),
    ["jobs need each other in a cycle: from -> to -> from (each job needs the next); remove one of these needs"],
  );
});

test("separate cycles are each reported", () => {
  const dag = buildDag([job("a", "b"), job("b", "a"), job("x", "y"), job("y", "x")]);
  assert.deepEqual(
    dag.errors.map((e) => e.jobId),
    ["a", "x"],
  );
});

test("needs match job ids case-insensitively and duplicates count once", () => {
  const dag = buildDag([job("Build"), job("test", "build", "BUILD")]);
  assert.deepEqual(dag.errors, []);
  assert.deepEqual(dag.levels, [["Build"], ["test"]]);
});

test("transitiveNeeds lists every job needed, directly or not, in run order", () => {
  const jobs = [job("lint"), job("unit", "lint"), job("build"), job("deploy", "unit", "build"), job("other")];
  assert.deepEqual(transitiveNeeds(jobs, "deploy"), ["lint", "unit", "build"]);
  assert.deepEqual(transitiveNeeds(jobs, "lint"), []);
  assert.deepEqual(transitiveNeeds(jobs, "UNIT"), ["lint"]);
});

test("transitiveNeeds ends on a cycle and refuses an unknown id", () => {
  const jobs = [job("a", "b"), job("b", "a"), job("c", "a")];
  assert.deepEqual(transitiveNeeds(jobs, "c"), ["a", "b"]);
  assert.deepEqual(transitiveNeeds(jobs, "a"), ["b"]);
  assert.throws(() => transitiveNeeds(jobs, "nope"), /no job 'nope' among: a, b, c/);
});

test("validateNeeds returns the same errors as buildDag", () => {
  const jobs = [job("a", "b"), job("b", "a"), job("c", "zzz")];
  assert.deepEqual(validateNeeds(jobs), buildDag(jobs).errors);
  assert.deepEqual(validateNeeds([job("a"), job("b", "a")]), []);
});
