// Input built to hurt: a YAML alias bomb is refused at once by every command that reads workflows,
// with its place, instead of hanging for minutes.
import assert from "node:assert/strict";
import { test } from "node:test";
import { repoFactory, runCli } from "./harness.js";

const newRepo = repoFactory();

const BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ..."bcdefghi".split("").map((c, i) => `${c}: &${c} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(",")}]`),
  "on: push",
  "jobs:",
  "  x:",
  "    runs-on: ubuntu-latest",
  "    steps:",
  "      - run: echo *i",
  "",
].join("\n");

test("a YAML alias bomb is refused with file:line and exit 2 by lint, list, plan, run and the pre-push hook", () => {
  const repo = newRepo({ ".github/workflows/bomb.yml": BOMB });
  for (const args of [["lint"], ["list"], ["plan"], ["run"], ["hook", "run"]]) {
    const start = Date.now();
    const r = runCli([...args, "--repo", repo.dir]);
    const ms = Date.now() - start;
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stdout + r.stderr, /\.github\/workflows\/bomb\.yml:\d+:\d+: error: the YAML's aliases expand to more than 200000 nodes \(at '\*[a-i]'\)/);
    // Refused before anything expands the aliases: far from the minutes expanding them takes.
    assert.ok(ms < 15_000, `${args.join(" ")} took ${ms} ms`);
  }
});
