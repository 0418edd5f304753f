// The normalized results of test, coverage and static-analysis reports, whatever
// format they came in. Ingestion produces them; the store, health and report use them.

export type TestStatus = "passed" | "failed" | "skipped" | "error";

export interface TestAttempt {
  status: TestStatus;
  message?: string;
  durationMs?: number;
}

export interface TestCaseResult {
  /** The test suite (JUnit <testsuite name>), or the file when the dialect has none. */
  suite: string;
  classname?: string;
  name: string;
  file?: string;
  line?: number;
  /** The final status; a test that passed on a rerun is "passed" with failed attempts in `retries`. */
  status: TestStatus;
  durationMs: number;
  /** Failure or error message (first line), or the skip reason. */
  message?: string;
  /** Failure details: the stack trace or assertion text, cut to a few KB. */
  details?: string;
  /** Earlier attempts of the same test in this report (Surefire flakyFailure/rerunFailure, pytest-rerunfailures). */
  retries?: TestAttempt[];
}

export interface FileCoverage {
  /** Repository-relative path with forward slashes. */
  path: string;
  linesValid: number;
  linesCovered: number;
  /** Hits per executable line number. */
  lines: Map<number, number>;
  branchesValid?: number;
  branchesCovered?: number;
}

export interface CoverageReport {
  format: "cobertura" | "lcov" | "coverage-py-json" | "istanbul-json";
  files: FileCoverage[];
}

export interface SarifFinding {
  tool: string;
  ruleId: string;
  level: "error" | "warning" | "note" | "none";
  message: string;
  file?: string;
  line?: number;
  col?: number;
  endLine?: number;
  endCol?: number;
}
