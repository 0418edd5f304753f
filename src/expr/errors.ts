/** Which stage rejected the expression, in the words of GitHub's expression test data. */
export type ExprErrorKind = "lexing" | "parsing" | "evaluation";

export class ExpressionEvalError extends Error {
  override readonly name = "ExpressionEvalError";

  constructor(
    message: string,
    readonly kind: ExprErrorKind,
    /** The expression text (without `${{ }}`) that failed. */
    readonly expression: string,
    /** Offset inside `expression` of the offending token, when known. */
    readonly offset?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
