// SARIF 2.1.0 output of a gate report, as code-scanning tools read it.
import type { FindingSeverity, GateReport } from "./finding.js";

const LEVEL: Record<FindingSeverity, "error" | "warning" | "note"> = { error: "error", warning: "warning", note: "note" };

export function toSarif(report: GateReport, toolVersion: string): object {
  const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: `tierci ${report.gate}`,
            version: toolVersion,
            rules: report.rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.description },
              defaultConfiguration: { level: LEVEL[r.severity] },
              ...(r.helpUri ? { helpUri: r.helpUri } : {}),
            })),
          },
        },
        results: report.findings.map((f) => ({
          ruleId: f.ruleId,
          ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId) } : {}),
          level: LEVEL[f.severity],
          message: { text: f.hint ? `${f.message} (${f.hint})` : f.message },
          ...(f.file
            ? {
                locations: [
                  {
                    physicalLocation: {
                      artifactLocation: { uri: f.file },
                      ...(f.line
                        ? {
                            region: {
                              startLine: f.line,
                              ...(f.col ? { startColumn: f.col } : {}),
                              ...(f.endLine ? { endLine: f.endLine } : {}),
                              ...(f.endCol ? { endColumn: f.endCol } : {}),
                            },
                          }
                        : {}),
                    },
                  },
                ],
              }
            : {}),
          ...(f.properties ? { properties: f.properties } : {}),
        })),
      },
    ],
  };
}
