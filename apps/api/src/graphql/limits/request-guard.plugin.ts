import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextWillSendResponse } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { GraphQLLimits } from '../../../../../libs/runtime/src/index.js';
import { operationProblem } from './operation-guard.js';
import { withoutSuggestion } from './request-limit-errors.js';

/**
 * The HTTP side of the request limits, as an Apollo plugin. Parsing (with the token limit) and validation (with
 * document-rules.ts) are Apollo's; once the operation is chosen, operationProblem refuses what may not run. The
 * refusal has an HTTP status (400), so Apollo answers with it instead of 500.
 *
 * Before the response leaves it sets the HTTP status from the codes in the body, which it keeps as they are: 401
 * with UNAUTHENTICATED (a missing or wrong key), 403 with FORBIDDEN when nothing was served. Parse and validation
 * errors are 400 by Apollo already. With introspection off, "did you mean" suggestions are taken out of every
 * message, the execution's too (a mistyped enum value in a variable), not only validation's.
 */
export function requestGuardPlugin(limits: GraphQLLimits, options: { readonly introspection: boolean }): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext) {
          const problem = operationProblem(limits, {
            schema: requestContext.schema,
            document: requestContext.document,
            operation: requestContext.operation,
            operationName: requestContext.request.operationName,
            variables: requestContext.request.variables,
            transport: 'http',
          });
          if (problem) throw problem;
        },
        async willSendResponse(requestContext) {
          setStatusAndMessages(requestContext, options.introspection);
        },
      };
    },
  };
}

function setStatusAndMessages(requestContext: GraphQLRequestContextWillSendResponse<BaseContext>, introspection: boolean): void {
  const { response } = requestContext;
  if (response.body.kind !== 'single') return;
  const result = response.body.singleResult;
  const errors: readonly GraphQLFormattedError[] = result.errors ?? [];
  if (errors.length === 0) return;
  if (!introspection) response.body.singleResult = { ...result, errors: errors.map((error) => ({ ...error, message: withoutSuggestion(error.message) })) };
  const codes = new Set(errors.map((error) => error.extensions?.code));
  if (codes.has('UNAUTHENTICATED')) {
    response.http.status = 401;
    response.http.headers.set('www-authenticate', 'Bearer');
  } else if (codes.has('FORBIDDEN') && !servedAnything(result.data)) {
    response.http.status = 403;
  }
}

function servedAnything(data: Record<string, unknown> | null | undefined): boolean {
  return !!data && Object.values(data).some((value) => value !== null && value !== undefined);
}
