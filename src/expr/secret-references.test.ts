import assert from "node:assert/strict";
import { test } from "node:test";
import { referencedSecrets, secretReferences, stringsIn } from "./secret-references.js";

test("names under secrets. and secrets['...'] are collected, case-insensitively", () => {
  const refs = secretReferences(["echo ${{ secrets.Deploy_Key }}", "${{ format('{0}', secrets['NPM_TOKEN']) }}", "no expression secrets.X"]);
  assert.equal(refs.all, false);
  assert.deepEqual([...refs.names].sort(), ["DEPLOY_KEY", "NPM_TOKEN"]);
});

test("the secrets context used as a whole means every secret", () => {
  assert.equal(secretReferences(["${{ toJSON(secrets) }}"]).all, true);
  assert.equal(secretReferences(["${{ secrets[matrix.name] }}"]).all, true);
  assert.equal(secretReferences(["${{ secrets.* }}"]).all, true);
});

test("an expression that does not parse but mentions secrets counts as every secret", () => {
  assert.equal(secretReferences(["${{ secrets.A == }}"]).all, true);
  assert.equal(secretReferences(["${{ github.sha == }}"]).all, false);
});

test("a job gets only what it references; strings are found at any depth", () => {
  const job = { steps: [{ with: { token: "${{ secrets.a }}" } }, { env: { X: "plain" } }] };
  const refs = secretReferences(stringsIn(job));
  assert.deepEqual(referencedSecrets({ A: "1", B: "2" }, refs), { A: "1" });
});
