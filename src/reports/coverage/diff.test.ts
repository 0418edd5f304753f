import { test } from "node:test";
import assert from "node:assert/strict";
import { addedLines } from "./diff.js";

const DIFF = `diff --git a/src/app.py b/src/app.py
index 1111111..2222222 100644
--- a/src/app.py
+++ b/src/app.py
@@ -3 +3 @@ def main():
-    return 1
+    return 2
@@ -10,0 +11,3 @@ def main():
+def extra():
+++ not a file name, a changed line that starts with "++"
+    pass
@@ -20,2 +23,0 @@
-gone
-gone too
diff --git a/src/new.py b/src/new.py
new file mode 100644
index 0000000..3333333
--- /dev/null
+++ b/src/new.py
@@ -0,0 +1,2 @@
+a = 1
+b = 2
diff --git a/src/old.py b/src/old.py
deleted file mode 100644
index 4444444..0000000
--- a/src/old.py
+++ /dev/null
@@ -1,2 +0,0 @@
-x = 1
-y = 2
diff --git a/src/before.py b/src/after.py
similarity index 90%
rename from src/before.py
rename to src/after.py
index 5555555..6666666 100644
--- a/src/before.py
+++ b/src/after.py
@@ -7,0 +8 @@
+z = 3
diff --git a/img.png b/img.png
index 7777777..8888888 100644
Binary files a/img.png and b/img.png differ
diff --git a/my file.py b/my file.py
index 9999999..aaaaaaa 100644
--- a/my file.py\t
+++ b/my file.py\t
@@ -1 +1 @@
-old
+new
diff --git "a/na\\303\\257ve \\"quoted\\".py" "b/na\\303\\257ve \\"quoted\\".py"
index bbbbbbb..ccccccc 100644
--- "a/na\\303\\257ve \\"quoted\\".py"
+++ "b/na\\303\\257ve \\"quoted\\".py"
@@ -4,0 +5,2 @@
+p = 1
+q = 2
`;

test("the added lines of each file come from the hunk headers of a -U0 diff", () => {
  assert.deepEqual(
    [...addedLines(DIFF)],
    [
      ["src/app.py", [3, 11, 12, 13]],
      ["src/new.py", [1, 2]],
      ["src/after.py", [8]],
      ["my file.py", [1]],
      ['naïve "quoted".py', [5, 6]],
    ],
  );
  assert.deepEqual([...addedLines("")], []);
});
