/**
 * Whether a configured pattern is safe to run on every value of every load. A pattern whose
 * running time can explode on a crafted value would stall the whole ingest, so we refuse the
 * shapes that cause it in backtracking engines: a quantified group that itself contains a
 * quantifier (star height above one, as `safe-regex` measures it) and back-references.
 * Alternations of overlapping branches under one quantifier are not detected; the length cap
 * on patterns keeps those small.
 */
export function unsafePatternReason(pattern: string): string | null {
  const groups: boolean[] = []; // per open group: whether it holds a quantifier
  let inClass = false;
  let closedGroupQuantified = false;
  let afterGroup = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      if (/[1-9k]/.test(pattern[i + 1] ?? '')) return 'back-references are not allowed';
      i++;
      afterGroup = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') groups.push(false);
    else if (c === ')') {
      closedGroupQuantified = groups.pop() ?? false;
      if (closedGroupQuantified && groups.length > 0) groups[groups.length - 1] = true;
      afterGroup = true;
      continue;
    } else if (isQuantifier(pattern, i)) {
      // `(x+)?` is harmless: only a repeating quantifier on such a group multiplies the paths.
      if (afterGroup && closedGroupQuantified && c !== '?') {
        return 'a repeated group may not contain a quantifier (nested quantifiers can take exponential time)';
      }
      if (groups.length > 0) groups[groups.length - 1] = true;
    }
    afterGroup = false;
  }
  return null;
}

function isQuantifier(pattern: string, i: number): boolean {
  const c = pattern[i];
  if (c === '*' || c === '+' || c === '?') return pattern[i - 1] !== '(' && !isLazyMark(pattern, i);
  return c === '{' && /^\{\d+(,\d*)?\}/.test(pattern.slice(i));
}

/** The `?` of `+?`, `*?`, `??` or `}?` makes the quantifier before it lazy: not one of its own. */
function isLazyMark(pattern: string, i: number): boolean {
  return pattern[i] === '?' && /[*+?}]/.test(pattern[i - 1] ?? '') && pattern[i - 2] !== '\\';
}
