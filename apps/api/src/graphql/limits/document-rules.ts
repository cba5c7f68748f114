import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext, type ValidationRule } from 'graphql';
import type { GraphQLLimits } from '../../../../../libs/runtime/src/index.js';
import type { RequestLimitCode } from './request-limit-errors.js';
import { wellFormedStringLiteralsRule } from './well-formed-text.js';

/**
 * Rejects the error the graphql-armor rule made (worded "Syntax Error: ...") with our code and wording instead,
 * keeping the count it found. Each rule reports through the validation context, so every limit broken is listed.
 */
function reportAs(code: RequestLimitCode, what: string, limit: number) {
  return [
    (context: ValidationContext | null, error: GraphQLError) => {
      const found = /found (\d+)/.exec(error.message)?.[1];
      context?.reportError(new GraphQLError(`${what}${found ? ` (${found})` : ''} exceeds the limit of ${limit}`, { extensions: { code } }));
    },
  ];
}

/**
 * The limits a document is validated with, over HTTP and WebSocket alike. They only read the document, and cheaply
 * (the armor rules count each fragment once, so fragments spread many times over stay cheap to check), so they run
 * first, alone (operation-guard.ts, screenDocument), before graphql-js's own rules: those can take a second on a
 * document of a few thousand repeated fields, which the limits refuse first.
 */
export function limitRules(limits: GraphQLLimits): ValidationRule[] {
  return [
    maxDepthRule({ n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true, propagateOnRejection: false, onReject: reportAs('QUERY_TOO_DEEP', 'the query depth', limits.maxDepth) }),
    maxAliasesRule({ n: limits.maxAliases, propagateOnRejection: false, onReject: reportAs('TOO_MANY_ALIASES', 'the number of aliases', limits.maxAliases) }),
    maxDirectivesRule({ n: limits.maxDirectives, propagateOnRejection: false, onReject: reportAs('TOO_MANY_DIRECTIVES', 'the number of directives', limits.maxDirectives) }),
  ];
}

/** Rules on what a document says: acceptable text in its strings, no introspection when it is off. */
export function contentRules(introspection: boolean): ValidationRule[] {
  return introspection ? [wellFormedStringLiteralsRule] : [wellFormedStringLiteralsRule, NoSchemaIntrospectionCustomRule];
}

/** Both, for Apollo's validationRules (which run with graphql-js's own in one pass, after the screening). */
export function documentRules(limits: GraphQLLimits, introspection: boolean): ValidationRule[] {
  return [...limitRules(limits), ...contentRules(introspection)];
}
