// `wildcard` operator: `*` matches any run of characters; `\*` and `\\` are escapes (event-ruler rules).
// Matching is greedy over the literal pieces between stars, so time stays linear in the value length.

/** Most `*` one wildcard value may hold; bounds the work per value the way event-ruler bounds complexity. */
export const MAX_WILDCARDS = 32;

export interface WildcardPattern {
  /** Literal pieces; there is a `*` between each pair. A single piece means no `*` at all. */
  pieces: string[];
}

/** Parse a wildcard value; returns an error message instead of throwing. */
export function parseWildcard(source: string): WildcardPattern | string {
  const pieces: string[] = [];
  let current = '';
  let stars = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1];
      if (next !== '*' && next !== '\\') return 'a backslash may only escape "*" or "\\"';
      current += next;
      i++;
    } else if (c === '*') {
      if (source[i + 1] === '*') return 'consecutive "*" characters are not allowed';
      pieces.push(current);
      current = '';
      if (++stars > MAX_WILDCARDS) return `too complex: more than ${MAX_WILDCARDS} "*" characters`;
    } else {
      current += c;
    }
  }
  pieces.push(current);
  return { pieces };
}

export function matchWildcard(p: WildcardPattern, s: string): boolean {
  const { pieces } = p;
  const first = pieces[0] ?? '';
  if (pieces.length === 1) return s === first;
  const last = pieces[pieces.length - 1] ?? '';
  if (s.length < first.length + last.length || !s.startsWith(first) || !s.endsWith(last)) return false;
  let at = first.length;
  const end = s.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] ?? '';
    const found = s.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}
