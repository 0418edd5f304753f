import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { RepoPaths } from "./repo-paths.js";

test("report paths become repository-relative: inside the root, file:// URIs, another checkout, Windows separators", async () => {
  const root = await mkdtemp(join(tmpdir(), "tierci-paths-"));
  try {
    await mkdir(join(root, "src", "pkg"), { recursive: true });
    await writeFile(join(root, "src", "pkg", "mod.py"), "");
    await writeFile(join(root, "setup.py"), "");
    const paths = new RepoPaths(root);
    assert.equal(paths.resolve("./src//pkg/../pkg/mod.py"), "src/pkg/mod.py");
    assert.equal(paths.resolve("src\\pkg\\mod.py"), "src/pkg/mod.py");
    assert.equal(paths.resolve(join(root, "src", "pkg", "mod.py")), "src/pkg/mod.py");
    assert.equal(paths.resolve(pathToFileURL(join(root, "src", "pkg", "new file.py")).href), "src/pkg/new file.py");
    assert.equal(paths.resolve("/home/runner/work/app/app/src/pkg/mod.py"), "src/pkg/mod.py");
    // Once a checkout's prefix is known, its other files map without being on disk here.
    assert.equal(paths.resolve("/home/runner/work/app/app/src/gone.py"), "src/gone.py");
    assert.equal(paths.resolve("C:\\a\\app\\src\\pkg\\mod.py"), "src/pkg/mod.py");
    assert.equal(paths.resolve("/usr/lib/python3/dist-packages/setup.py"), "/usr/lib/python3/dist-packages/setup.py", "a bare file name does not make a match");
    assert.equal(paths.resolve("/opt/elsewhere/lib.py"), "/opt/elsewhere/lib.py");
    assert.equal(paths.locate("/ci/checkout/src/pkg/mod.py"), "src/pkg/mod.py");
    assert.equal(paths.locate(join(root, "src", "missing.py")), undefined);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
