import { validationFailed } from '../../common/validation.js';

/**
 * Text comparisons of the matching engine. Banks rewrite references ("INV-1002" arrives as "inv 1002"), so references
 * and names are compared normalised; patterns are wildcards, never user regexes.
 */

/** Longest wildcard pattern accepted (the rules' zod schema has the same limit). */
export const wildcardPatternLengthMax = 100;

/** Upper case, every whitespace character and '-' removed: 'inv 1002' and 'INV-1002' both give 'INV1002'. */
export function normaliseReference(text: string): string {
  return text.toUpperCase().replace(/[\s-]+/gu, '');
}

/** A compiled wildcard: `test` says whether the whole text matches (anchored at both ends, case-insensitive). */
export interface WildcardMatcher {
  readonly pattern: string;
  /** The equivalent anchored regex source, for display and debugging only: `test` does not run it. */
  readonly regexSource: string;
  test(text: string): boolean;
}

type WildcardToken = { readonly kind: 'any_run' } | { readonly kind: 'one' } | { readonly kind: 'literal'; readonly char: string };

/**
 * Compiles `*` (any run, possibly empty) and `?` (exactly one character); every other character is literal,
 * compared case-insensitively. The match runs with the classic two-pointer glob algorithm, which is O(text x pattern)
 * in the worst case: a backtracking regex such as /^.*a.*a.*a.*b$/ is O(text^stars) on hostile input (ReDoS), so
 * the regex is only described (`regexSource`), never executed. VALIDATION_FAILED for an empty pattern or one longer
 * than 100 characters.
 */
export function compileWildcard(pattern: string): WildcardMatcher {
  if (typeof pattern !== 'string' || pattern.length === 0) throw validationFailed('pattern must not be empty', { field: 'pattern' });
  if (pattern.length > wildcardPatternLengthMax) {
    throw validationFailed(`pattern must be at most ${wildcardPatternLengthMax} characters (got ${pattern.length})`, { field: 'pattern' });
  }
  const tokens: WildcardToken[] = [];
  for (const char of pattern.toUpperCase()) {
    if (char === '*') {
      // Consecutive stars mean the same as one.
      const last = tokens[tokens.length - 1];
      if (last === undefined || last.kind !== 'any_run') tokens.push({ kind: 'any_run' });
    } else if (char === '?') {
      tokens.push({ kind: 'one' });
    } else {
      tokens.push({ kind: 'literal', char });
    }
  }
  const regexSource = `^${tokens
    .map((token) => (token.kind === 'any_run' ? '[\\s\\S]*' : token.kind === 'one' ? '[\\s\\S]' : escapeRegex(token.char)))
    .join('')}$`;
  return { pattern, regexSource, test: (text: string) => globMatches(tokens, Array.from(text.toUpperCase())) };
}

function escapeRegex(char: string): string {
  return /[\\^$.*+?()[\]{}|/-]/u.test(char) ? `\\${char}` : char;
}

/** Two-pointer glob match: on a mismatch, the last star absorbs one more character; no other backtracking. */
function globMatches(tokens: readonly WildcardToken[], chars: readonly string[]): boolean {
  let tokenIndex = 0;
  let charIndex = 0;
  let starTokenIndex = -1;
  let starCharIndex = 0;
  while (charIndex < chars.length) {
    const token = tokens[tokenIndex];
    if (token !== undefined && (token.kind === 'one' || (token.kind === 'literal' && token.char === chars[charIndex]))) {
      tokenIndex += 1;
      charIndex += 1;
    } else if (token !== undefined && token.kind === 'any_run') {
      starTokenIndex = tokenIndex;
      starCharIndex = charIndex;
      tokenIndex += 1;
    } else if (starTokenIndex >= 0) {
      starCharIndex += 1;
      charIndex = starCharIndex;
      tokenIndex = starTokenIndex + 1;
    } else {
      return false;
    }
  }
  while (tokens[tokenIndex]?.kind === 'any_run') tokenIndex += 1;
  return tokenIndex === tokens.length;
}
