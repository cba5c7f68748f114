import { GraphQLError, type ValidationContext, type ASTVisitor } from 'graphql';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why a string cannot be taken as text, or undefined when it can. A NUL (U+0000) is refused by PostgreSQL, and a
 * lone surrogate is not Unicode: it would be stored as U+FFFD, silently changing what the client sent.
 */
export function textProblem(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains a NUL character (U+0000)';
  if (LONE_SURROGATE.test(value)) return 'contains a lone UTF-16 surrogate (not a Unicode character)';
  return undefined;
}

/**
 * The first string (a value or an object key) of a JSON value that is not acceptable text, with its path, e.g.
 * `variables.input.lines.0.description contains a NUL character (U+0000)`. Iterative, and paths are only spelled out
 * for the string found: a value nested 100,000 deep costs neither the stack nor quadratic time.
 */
export function findIllFormedText(value: unknown, rootPath: string): string | undefined {
  interface Step {
    readonly value: unknown;
    readonly key: string;
    readonly parent: Step | undefined;
  }
  const pathOf = (step: Step): string => {
    const keys: string[] = [];
    for (let at: Step | undefined = step; at; at = at.parent) keys.push(at.key);
    keys.reverse();
    return keys.length > 12 ? `${keys.slice(0, 6).join('.')}...${keys.slice(-5).join('.')}` : keys.join('.');
  };
  const pending: Step[] = [{ value, key: rootPath, parent: undefined }];
  for (let step = pending.pop(); step; step = pending.pop()) {
    const current = step.value;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) return `${pathOf(step)} ${problem}`;
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index -= 1) pending.push({ value: current[index], key: String(index), parent: step });
    } else if (current !== null && typeof current === 'object') {
      for (const [key, item] of Object.entries(current)) {
        const problem = textProblem(key);
        if (problem) return `a key of ${pathOf(step)} ${problem}`;
        pending.push({ value: item, key, parent: step });
      }
    }
  }
  return undefined;
}

/** A validation rule: every string literal of the document must be acceptable text (`"\u0000"` parses to a NUL). */
export function wellFormedStringLiteralsRule(context: ValidationContext): ASTVisitor {
  return {
    StringValue(node) {
      const problem = textProblem(node.value);
      if (problem) context.reportError(new GraphQLError(`a string literal ${problem}`, { nodes: [node], extensions: { code: 'VALIDATION_FAILED' } }));
    },
  };
}
