// Which keywords a text contains, in one pass whatever their number: an Aho-Corasick
// automaton over ASCII, case-folded in its table so the text is never lower-cased. Searching
// for each keyword in turn costs a pass per keyword and dominated a history scan.

const ALPHABET = 128;

export class KeywordMatcher {
  private readonly delta: Int32Array;
  /** For each state, the indices of the keywords that end there (through failure links too). */
  private readonly outputs: (number[] | undefined)[];
  /** Keywords with characters outside ASCII: looked up with includes() on the lower-cased text. */
  private readonly others: number[] = [];

  constructor(readonly keywords: readonly string[]) {
    const gotos: Map<number, number>[] = [new Map()];
    const ends: number[][] = [[]];
    keywords.forEach((word, index) => {
      const lower = word.toLowerCase();
      if (lower === "" || [...lower].some((ch) => ch.charCodeAt(0) >= ALPHABET || ch.length > 1)) {
        this.others.push(index);
        return;
      }
      let state = 0;
      for (let i = 0; i < lower.length; i++) {
        const code = lower.charCodeAt(i);
        let next = gotos[state]?.get(code);
        if (next === undefined) {
          next = gotos.length;
          gotos.push(new Map());
          ends.push([]);
          gotos[state]?.set(code, next);
        }
        state = next;
      }
      ends[state]?.push(index);
    });
    const states = gotos.length;
    const delta = new Int32Array(states * ALPHABET);
    const fail = new Int32Array(states);
    const outputs: (number[] | undefined)[] = new Array(states);
    // Breadth-first, so that a state's failure target is complete before the state is.
    const queue: number[] = [];
    for (let c = 0; c < ALPHABET; c++) {
      const next = gotos[0]?.get(c);
      if (next !== undefined) {
        delta[c] = next;
        queue.push(next);
      }
    }
    outputs[0] = undefined;
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] as number;
      const inherited = outputs[fail[state] as number];
      const own = ends[state] ?? [];
      outputs[state] = own.length > 0 || inherited ? [...own, ...(inherited ?? [])] : undefined;
      for (let c = 0; c < ALPHABET; c++) {
        const next = gotos[state]?.get(c);
        const fallback = delta[(fail[state] as number) * ALPHABET + c] as number;
        if (next === undefined) {
          delta[state * ALPHABET + c] = fallback;
        } else {
          delta[state * ALPHABET + c] = next;
          fail[next] = fallback;
          queue.push(next);
        }
      }
    }
    // Upper-case letters move as their lower-case forms.
    for (let s = 0; s < states; s++) {
      for (let c = 65; c <= 90; c++) delta[s * ALPHABET + c] = delta[s * ALPHABET + c + 32] as number;
    }
    this.delta = delta;
    this.outputs = outputs;
  }

  /** found[i] is true when keywords[i] occurs in the text, ignoring case. */
  find(text: string): boolean[] {
    const found = new Array<boolean>(this.keywords.length).fill(false);
    const { delta, outputs } = this;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      state = code < ALPHABET ? (delta[state * ALPHABET + code] as number) : 0;
      const out = outputs[state];
      if (out !== undefined) for (const k of out) found[k] = true;
    }
    if (this.others.length > 0) {
      const lower = text.toLowerCase();
      for (const k of this.others) found[k] = lower.includes((this.keywords[k] as string).toLowerCase());
    }
    return found;
  }
}
