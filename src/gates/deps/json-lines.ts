// Where each key of a JSON document sits, because JSON.parse forgets: findings point at the
// line of the package's entry in package-lock.json or Pipfile.lock.

/** A path of object keys and array indexes, as the key of `jsonKeyLines`'s map. */
export const jsonPath = (...path: (string | number)[]): string => JSON.stringify(path);

/** The 1-based line of every object key, by its path. The text is assumed to be valid JSON. */
export function jsonKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  // Each open container and its current key (objects; undefined while the next key is awaited) or index (arrays).
  const stack: { array: boolean; key: string | number | undefined }[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack.at(-1);
    if (c === "\n") line++;
    else if (c === "{") stack.push({ array: false, key: undefined });
    else if (c === "[") stack.push({ array: true, key: 0 });
    else if (c === "}" || c === "]") stack.pop();
    else if (c === "," && top) top.key = top.array ? (top.key as number) + 1 : undefined;
    else if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      if (top && !top.array && top.key === undefined) {
        top.key = JSON.parse(text.slice(i, end + 1)) as string;
        lines.set(JSON.stringify(stack.map((s) => s.key)), line);
      }
      i = end;
    }
  }
  return lines;
}
