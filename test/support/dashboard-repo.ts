// The repository the dashboard's tests run: two tiers, an annotation, ANSI colours, a matrix job
// that fails on one leg (to re-run failed jobs), a job that prints slowly while `slow.txt` exists
// (to follow and cancel), typed dispatch inputs, and names and lines made of markup.

export const HOSTILE = "<script>window.__pwned=1</script>";

/** The repository's files; `lintName` is the lint job's display name (markup, for the escaping tests). */
export const dashboardFiles = (lintName = "lint"): Record<string, string> => ({
  ".github/tiers.yml": "tiers:\n  - name: fast\n    budget: 5m\n    workflows: [lint.yml]\n  - name: core\n    budget: 15m\n    workflows: [ci.yml]\n",
  ".github/workflows/lint.yml": `name: Lint
on: push
jobs:
  lint:
    name: "${lintName}"
    runs-on: ubuntu-latest
    steps:
      - run: printf '\\033[32mall good\\033[0m\\n'
      - run: echo '::warning file=src/app.js,line=3::unused variable'
      - run: echo '${HOSTILE}'
      - run: mkdir -p out && echo "3 findings" > out/lint-report.txt
      - uses: actions/upload-artifact@v4
        with:
          name: lint report
          path: out/
`,
  ".github/workflows/ci.yml": `name: CI
on:
  push:
  workflow_dispatch:
    inputs:
      level:
        type: choice
        options: [low, high]
        required: true
      count:
        type: number
        required: true
        description: How many times
      dry:
        type: boolean
      note:
        type: string
jobs:
  slow:
    runs-on: ubuntu-latest
    steps:
      - name: Print slowly
        run: if [ -f slow.txt ]; then for i in $(seq 1 400); do echo "tick $i"; sleep 0.25; done; fi
  test:
    strategy:
      fail-fast: false
      matrix:
        node: [18, 20]
    runs-on: ubuntu-latest
    steps:
      - run: if [ "\${{ matrix.node }}" = "20" ]; then echo "::error file=src/app.js,line=9::boom on 20"; exit 1; fi
`,
  "src/app.js": "const unused = 1;\n",
});
