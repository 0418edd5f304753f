// What tiers.yml means where it says nothing: kept apart from the reader of tiers.yml, which needs
// the YAML parser, so that a repository whose workflows and tiers come from the cache never loads it.
import type { ReportGlobs, Tier } from "./model.js";

export const DEFAULT_TIER = "default";
export const UNLISTED_TIER = "unlisted";

/** Where test tools write reports by default; files a job did not write are never picked up. */
export const DEFAULT_REPORT_GLOBS: ReportGlobs = {
  junit: ["**/junit*.xml", "**/TEST-*.xml", "**/test-results/**/*.xml", "**/*.junit.xml", "**/report.xml"],
  coverage: ["**/coverage.xml", "**/cobertura*.xml", "**/lcov.info", "**/coverage-final.json", "**/coverage.json"],
  sarif: ["**/*.sarif", "**/*.sarif.json"],
};

/** Without tiers.yml every workflow shares one tier, as on GitHub. */
export function singleTier(workflowFiles: string[]): Tier[] {
  return [{ name: DEFAULT_TIER, workflows: [...workflowFiles] }];
}
