// Paragraphs of docs/CI.md that say the same for every template, so the docs cannot drift apart.

export const TRIGGERS = `Triggers: pull requests, pushes to \`main\`, manual dispatch; test-health and nightly run on a
schedule (UTC). Every workflow reads the repository only (\`permissions: contents: read\`), has a
timeout on every job and cancels the previous run of the same ref.`;

export const LOCAL_COMMANDS = `## Running it locally

\`\`\`sh
tierci lint                          # the workflows are valid and meet the workflow policy
tierci plan --event push             # what would run, and why
tierci run --event push              # all three tiers, in order
tierci run -W .github/workflows/lint.yml
tierci hook install                  # run tier 1 before every git push (skip once: git push --no-verify)
\`\`\``;
