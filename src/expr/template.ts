// Finding `${{ }}` in text the way GitHub's template reader does, and rewriting text with
// embedded expressions into the single format() expression GitHub evaluates for an `if:`.

export interface ExpressionSpan {
  /** The expression between `${{` and `}}`, trimmed. */
  expr: string;
  /** Offset of `${{` in the text. */
  start: number;
  /** Offset just past `}}`. */
  end: number;
  /** Offset in the text where `expr` begins. */
  exprStart: number;
}

export interface TemplateError {
  error: string;
  offset: number;
}

const OPEN = "${{";

export function findExpressions(text: string): ExpressionSpan[] | TemplateError {
  const spans: ExpressionSpan[] = [];
  let start = text.indexOf(OPEN);
  while (start >= 0) {
    let end = -1;
    // A quote toggles string mode, which also covers '' escapes; `}}` inside a string does not close.
    let inString = false;
    for (let i = start + OPEN.length; i < text.length; i++) {
      const c = text[i];
      if (c === "'") inString = !inString;
      else if (!inString && c === "}" && text[i - 1] === "}") {
        end = i + 1;
        break;
      }
    }
    if (end < 0) {
      return {
        error: "The expression is not closed. An unescaped ${{ sequence was found, but the closing }} sequence was not found.",
        offset: start,
      };
    }
    const raw = text.slice(start + OPEN.length, end - 2);
    const expr = raw.trim();
    if (!expr) return { error: "An expression was expected", offset: start };
    spans.push({ expr, start, end, exprStart: start + OPEN.length + raw.length - raw.trimStart().length });
    start = text.indexOf(OPEN, end);
  }
  return spans;
}

/**
 * The expression GitHub evaluates for text that may embed `${{ }}`: the text itself when it has
 * none, the inner expression when it is exactly one, otherwise format('literal {0} ...', expr0, ...).
 */
export function templateExpression(text: string, spans: ExpressionSpan[]): string {
  const [only] = spans;
  if (!only) return text;
  if (spans.length === 1 && only.start === 0 && only.end === text.length) return only.expr;
  let format = "";
  let args = "";
  let at = 0;
  spans.forEach((span, i) => {
    format += escapeFormatLiteral(text.slice(at, span.start)) + `{${i}}`;
    args += `, ${span.expr}`;
    at = span.end;
  });
  format += escapeFormatLiteral(text.slice(at));
  return `format('${format}'${args})`;
}

function escapeFormatLiteral(text: string): string {
  return text.replace(/'/g, "''").replace(/\{/g, "{{").replace(/\}/g, "}}");
}
