/** GitHub's conclusion words for a step, job or run, in one place for every layer. */
export type Conclusion = "success" | "failure" | "cancelled" | "skipped";
