import { randomUUID } from 'node:crypto';
import { Inject, Module, RequestMethod, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PassToGraphQLFilter } from './graphql/graphql-exception.filter.js';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, type GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import type { Request } from 'express';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { BillingEventsResolver } from './events/billing-events.resolver.js';
import { PublicEventsResolver } from './public-events/public-events.resolver.js';
import { PublicEventsSchemaController } from './public-events/public-events-schema.controller.js';
import { formatLedgerError } from './graphql/error-mapping.js';
import { guardedApolloDriver } from './graphql/limits/guarded-apollo.driver.js';
import type { GraphQLRequestContext } from './graphql/request-context.js';
import { InvoicesResolver } from './invoices/invoices.resolver.js';
import { GeneralLedgerResolver } from './general-ledger/general-ledger.resolver.js';
import { CustomersResolver } from './customers/customers.resolver.js';
import { PaymentMethodsResolver } from './payment-methods/payment-methods.resolver.js';
import { ExchangeRatesResolver } from './exchange-rates/exchange-rates.resolver.js';
import { MoneyFormatResolver } from './graphql/money-format.resolver.js';
import { BillingSettingsResolver } from './settings/billing-settings.resolver.js';
import { TaxRatesResolver } from './settings/tax-rates.resolver.js';
import { OperationsController } from './operations/operations.controller.js';
import { graphiqlModuleParts } from './graphiql/graphiql.module-parts.js';
import { ReceiptsResolver } from './receipts/receipts.resolver.js';
import { ReceiptsPdfController } from './receipts/receipts-pdf.controller.js';
import { CreditNotesResolver } from './credit-notes/credit-notes.resolver.js';
import { CreditNotesPdfController } from './credit-notes/credit-notes-pdf.controller.js';
import { CustomerCreditResolver } from './customer-credit/customer-credit.resolver.js';
import { PaymentsResolver } from './payments/payments.resolver.js';
import { LEDGER_SERVICES, type LedgerServices } from './ledger-services.js';
import { ApiKeysResolver } from './api-keys/api-keys.resolver.js';
import { ProductsResolver } from './catalog/products.resolver.js';
import { PlansResolver } from './catalog/plans.resolver.js';
import { PricingRulesResolver } from './pricing/pricing-rules.resolver.js';
import { PriceQuoteResolver } from './pricing/price-quote.resolver.js';
import { SubscriptionsResolver } from './subscriptions/subscriptions.resolver.js';
import { BankAccountsResolver } from './banking/bank-accounts.resolver.js';
import { ReconciliationResolver } from './banking/reconciliation.resolver.js';
import { StatementUploadController } from './banking/statement-upload.controller.js';
import { TestClocksResolver } from './test-clocks/test-clocks.resolver.js';
import { WebhooksResolver } from './webhooks/webhooks.resolver.js';
import { EmailsResolver } from './email/emails.resolver.js';
import { InvoicePdfController } from './invoices/invoice-pdf.controller.js';
import { CompanyLogoResolver } from './company-logo/company-logo.resolver.js';
import { AuditLogResolver } from './audit/audit-log.resolver.js';
import { AuditProofsResolver } from './audit/audit-proofs.resolver.js';
import { AuditPublicKeyController } from './audit/audit-public-key.controller.js';
import { AuditTrust } from './audit/audit-trust.provider.js';
import { ProjectionStateResolver } from './projection-state/projection-state.resolver.js';
import { operationAccessPlugin, scopedWebSocketExecution } from './platform/operation-access.js';
import { authenticateBearer, requestIdentity, requestScopeMiddleware } from './platform/request-scope.middleware.js';
import type { Principal } from '../../../libs/access/src/principal.js';

interface WebSocketContext {
  connectionParams?: Record<string, unknown>;
  extra: { principal?: Principal; unregister?: () => void; socket: { close(code: number, reason: string): void } };
}


@Module({})
export class AppModule implements NestModule {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  /** Every tenant-facing route is authenticated once and runs in its tenant's scope (platform/request-scope.middleware.ts). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestScopeMiddleware(this.services)).forRoutes({ path: 'graphql', method: RequestMethod.ALL }, { path: 'receipts/*path', method: RequestMethod.ALL }, { path: 'credit-notes/*path', method: RequestMethod.ALL }, { path: 'invoices/*path', method: RequestMethod.ALL }, { path: 'bank-accounts/*path', method: RequestMethod.ALL });
  }

  static register(services: LedgerServices): DynamicModule {
    const authenticate = (authorization: unknown) => authenticateBearer(services, authorization);
    // Errors on a WebSocket never reach Apollo's formatError: graphql-ws formats them itself, so they are mapped
    // through the same single place here. Every graphql-ws option is passed through to the server (see
    // graphql/limits/graphql-ws.server.ts), though Nest's config type names only some of them (not onError).
    const webSocketErrorMapping: Pick<GraphQLWsSubscriptionsConfig, 'onNext'> & {
      onError: (context: unknown, id: string, payload: unknown, errors: readonly GraphQLError[]) => GraphQLFormattedError[];
    } = {
      onError: (_context, _id, _payload, errors) => errors.map((error) => formatLedgerError(error.toJSON(), error, services.log)),
      onNext: (_context, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => formatLedgerError(error.toJSON(), error, services.log)) } : undefined,
    };
    // LEDGER_GRAPHIQL: the GraphiQL page for browsers on /graphql and /graphiql (see graphiql/), or nothing.
    const graphiql = graphiqlModuleParts(services.config, services.log);
    return {
      module: AppModule,
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          // Apollo, with the request limits over HTTP and WebSocket (graphql/limits/, README "Limits").
          driver: guardedApolloDriver({ limits: services.config.graphqlLimits, log: services.log }),
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          // LEDGER_INTROSPECTION (off by default in production); "did you mean" suggestions follow it.
          introspection: services.config.introspection,
          playground: false,
          // The roles table (libs/access/src/operation-roles.ts) before anything executes; then GraphiQL's page.
          plugins: [operationAccessPlugin(), ...graphiql.plugins],
          includeStacktraceInErrorResponses: false,
          csrfPrevention: true,
          subscriptions: {
            'graphql-ws': {
              path: '/graphql',
              // WebSocket clients authenticate once, in connection_init: { authorization: "Bearer <key>" }.
              ...webSocketErrorMapping,
              // The same roles table, and every operation in the connection's tenant scope (row-level security).
              ...scopedWebSocketExecution,
              onConnect: async (connection) => {
                const context = connection as unknown as WebSocketContext;
                const params = context.connectionParams ?? {};
                const principal = await authenticate(params.authorization ?? params.Authorization);
                if (!principal) {
                  context.extra.socket.close(4401, 'UNAUTHENTICATED: send { authorization: "Bearer <key>" } in connection_init');
                  return false;
                }
                context.extra.principal = principal;
                // A revoked or expired key's connection is closed within a second (platform/key-revocation.watcher.ts).
                context.extra.unregister = services.keyRevocations.register(principal.keyId, context.extra.socket);
                return true;
              },
              onClose: (connection: unknown) => {
                (connection as WebSocketContext).extra.unregister?.();
              },
            },
          },
          context: async (argument: { req?: Request; extra?: WebSocketContext['extra'] }): Promise<GraphQLRequestContext> => {
            if (argument.extra && !argument.req) return { principal: argument.extra.principal, correlationId: randomUUID() };
            // HTTP: the request-scope middleware has authenticated the request already.
            return requestIdentity(argument.req as Request);
          },
          formatError: (formatted, error) => formatLedgerError(formatted, error, services.log),
        }),
      ],
      controllers: [OperationsController, InvoicePdfController, ReceiptsPdfController, CreditNotesPdfController, PublicEventsSchemaController, AuditPublicKeyController, StatementUploadController, ...graphiql.controllers],
      providers: [{ provide: LEDGER_SERVICES, useValue: services }, { provide: APP_FILTER, useClass: PassToGraphQLFilter }, InvoicesResolver, ApiKeysResolver, CustomersResolver, BillingEventsResolver, PublicEventsResolver, BillingSettingsResolver, TaxRatesResolver, ExchangeRatesResolver, MoneyFormatResolver, GeneralLedgerResolver, ReceiptsResolver, PaymentMethodsResolver, PaymentsResolver, CreditNotesResolver, CustomerCreditResolver, ProductsResolver, PlansResolver, PricingRulesResolver, PriceQuoteResolver, SubscriptionsResolver, TestClocksResolver, WebhooksResolver, EmailsResolver, CompanyLogoResolver, AuditLogResolver, ProjectionStateResolver, AuditTrust, AuditProofsResolver, BankAccountsResolver, ReconciliationResolver],
    };
  }
}
