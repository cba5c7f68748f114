import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  execute as graphqlExecute,
  subscribe as graphqlSubscribe,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { authorizeOperation, type AccessDecision, type OperationKind } from '../../../../libs/access/src/operation-roles.js';
import type { Principal } from '../../../../libs/access/src/principal.js';
import { runForTenant } from '../../../../libs/database/src/index.js';
import type { GraphQLRequestContext } from '../graphql/request-context.js';

/** The operation a request runs (by name, or the only one), or undefined when that is ambiguous or unknown. */
function selectedOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
  if (operationName) return operations.find((operation) => operation.name?.value === operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

/** The root fields an operation selects, through fragment spreads and inline fragments at the root. */
export function rootFieldsOf(document: DocumentNode, operation: OperationDefinitionNode): string[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  const fields = new Set<string>();
  const visited = new Set<string>();
  const visit = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) fields.add(selection.name.value);
      else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet);
      else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment = fragments.get(selection.name.value);
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  visit(operation.selectionSet);
  return [...fields];
}

/** The access decision for one request, from the roles table; undefined when graphql-js will refuse it anyway. */
export function decideAccess(principal: Principal | undefined, document: DocumentNode, operationName: string | null | undefined): AccessDecision | undefined {
  const operation = selectedOperation(document, operationName);
  if (!operation) return undefined;
  return authorizeOperation(principal, operation.operation as OperationKind, rootFieldsOf(document, operation));
}

function refusal(decision: Extract<AccessDecision, { allowed: false }>): GraphQLError {
  return new GraphQLError(decision.message, { extensions: { code: decision.code, http: { status: decision.code === 'UNAUTHENTICATED' ? 401 : 403 } } });
}

/**
 * HTTP: the roles table is applied once the operation is known and before anything executes; a refused request
 * gets 401 (no valid key) or 403 (a role that may not run it), and no resolver runs.
 */
export function operationAccessPlugin(): ApolloServerPlugin<GraphQLRequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, contextValue }) {
          const decision = decideAccess(contextValue.principal, document, operationName);
          if (decision && !decision.allowed) throw refusal(decision);
        },
      };
    },
  };
}

interface WebSocketExecutionContext {
  readonly principal?: Principal;
  readonly correlationId?: string;
}

function principalOf(args: ExecutionArgs): Principal | undefined {
  return (args.contextValue as WebSocketExecutionContext | undefined)?.principal;
}

function inTenantScope<Result>(args: ExecutionArgs, work: () => Result): Result {
  const principal = principalOf(args);
  const correlationId = (args.contextValue as WebSocketExecutionContext | undefined)?.correlationId;
  if (!principal) return work();
  return runForTenant({ tenantId: principal.tenantId, keyId: principal.keyId, keyName: principal.keyName, ...(correlationId ? { correlationId } : {}) }, work);
}

function refusedOverWebSocket(args: ExecutionArgs): ExecutionResult | undefined {
  const decision = decideAccess(principalOf(args), args.document, args.operationName);
  return decision && !decision.allowed ? { errors: [refusal(decision)] } : undefined;
}

/**
 * WebSocket: graphql-ws runs queries, mutations and subscriptions through these. Each applies the same roles table,
 * then runs inside the connection's tenant scope, so the database work is held to the tenant by row-level security.
 * A subscription's stream is pulled later by graphql-ws; every pull runs in the scope too.
 */
export const scopedWebSocketExecution = {
  execute(args: ExecutionArgs) {
    return refusedOverWebSocket(args) ?? inTenantScope(args, () => graphqlExecute(args));
  },
  async subscribe(args: ExecutionArgs) {
    const refused = refusedOverWebSocket(args);
    if (refused) return refused;
    const result = await inTenantScope(args, () => graphqlSubscribe(args));
    if (!(Symbol.asyncIterator in result)) return result;
    const iterator = result[Symbol.asyncIterator]();
    const scoped: AsyncIterableIterator<ExecutionResult> = {
      next: () => inTenantScope(args, () => iterator.next()),
      return: () => (iterator.return ? inTenantScope(args, () => iterator.return!()) : Promise.resolve({ done: true as const, value: undefined })),
      throw: (error?: unknown) => (iterator.throw ? inTenantScope(args, () => iterator.throw!(error)) : Promise.reject(error)),
      [Symbol.asyncIterator]() {
        return scoped;
      },
    };
    return scoped;
  },
};
