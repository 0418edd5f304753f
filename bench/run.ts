// `npm run bench`: every benchmark, each printing its medians and the ratio to its baseline.
import { benchAgents } from "./agents.js";
import { benchCache } from "./cache.js";
import { benchDashboard } from "./dashboard.js";
import { benchEngine } from "./engine.js";
import { benchIngest } from "./ingest.js";
import { benchLoadPlan } from "./load-plan.js";
import { benchReuse } from "./reuse.js";
import { benchSecrets } from "./secrets.js";
import { benchServer } from "./server.js";
import { benchStartup } from "./startup.js";
import { benchStoreBackends } from "./store-backends.js";
import { benchWorkspace } from "./workspace.js";

const benches: Record<string, () => Promise<void>> = {
  agents: benchAgents,
  cache: benchCache,
  dashboard: benchDashboard,
  engine: benchEngine,
  ingest: benchIngest,
  "load-plan": benchLoadPlan,
  reuse: benchReuse,
  secrets: benchSecrets,
  server: benchServer,
  startup: benchStartup,
  "store-backends": benchStoreBackends,
  workspace: benchWorkspace,
};
const only = process.argv.slice(2);
for (const [name, fn] of Object.entries(benches)) {
  if (only.length === 0 || only.includes(name)) await fn();
}
