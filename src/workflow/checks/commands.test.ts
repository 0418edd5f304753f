import assert from "node:assert/strict";
import { test } from "node:test";
import { checkWorkflowCommands } from "./commands.js";
import { brief, lines, runCheck } from "./harness.js";

test("disabled commands are errors on their script line, deprecated ones warnings", () => {
  const yaml = lines(
    "on: push",
    "jobs:",
    "  a:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - run: |",
    "          echo start",
    "          echo '::set-env name=A::1'", // 8
    "          echo '::set-output name=b::2'", // 9
    "      - run: echo '::add-path::/opt/bin'", // 10
  );
  const d = runCheck(checkWorkflowCommands, yaml);
  assert.deepEqual(brief(d), ["8:error", "9:warning", "10:error"]);
  assert.match(d[0]?.hint ?? "", /GITHUB_ENV/);
});

test("the opt-in variable and the environment files report nothing", () => {
  const yaml = lines(
    "on: push",
    "jobs:",
    "  a:",
    "    runs-on: ubuntu-latest",
    "    env: {ACTIONS_ALLOW_UNSECURE_COMMANDS: 'true'}",
    "    steps:",
    "      - run: echo '::set-env name=A::1'",
    "  b:",
    "    runs-on: ubuntu-latest",
    "    steps:",
    "      - run: echo \"a=1\" >> \"$GITHUB_OUTPUT\"; echo '::add-mask::x'; echo '::group::g'",
  );
  assert.deepEqual(runCheck(checkWorkflowCommands, yaml), []);
});
