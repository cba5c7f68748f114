import { randomUUID } from 'node:crypto';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PassToGraphQLFilter } from './graphql/graphql-exception.filter.js';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, type GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import type { Request } from 'express';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { BillingEventsResolver } from './events/billing-events.resolver.js';
import { formatLedgerError } from './graphql/error-mapping.js';
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
import { ReceiptsResolver } from './receipts/receipts.resolver.js';
import { ReceiptsPdfController } from './receipts/receipts-pdf.controller.js';
import { CreditNotesResolver } from './credit-notes/credit-notes.resolver.js';
import { CreditNotesPdfController } from './credit-notes/credit-notes-pdf.controller.js';
import { CustomerCreditResolver } from './customer-credit/customer-credit.resolver.js';
import { PaymentsResolver } from './payments/payments.resolver.js';
import { LEDGER_SERVICES, type LedgerServices } from './ledger-services.js';
import { bearerToken } from './platform/api-keys.service.js';
import type { Principal } from './platform/principal.js';

interface WebSocketContext {
  connectionParams?: Record<string, unknown>;
  extra: { principal?: Principal; socket: { close(code: number, reason: string): void } };
}

const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;

@Module({})
export class AppModule {
  static register(services: LedgerServices): DynamicModule {
    const authenticate = async (authorization: unknown): Promise<Principal | undefined> => {
      const key = bearerToken(authorization);
      return key ? services.apiKeys.authenticate(key) : undefined;
    };
    // Errors on a WebSocket never reach Apollo's formatError: graphql-ws formats them itself, so they are mapped
    // through the same single place here. Nest passes every graphql-ws option through to useServer, though its
    // config type names only some of them (not onError).
    const webSocketErrorMapping: Pick<GraphQLWsSubscriptionsConfig, 'onNext'> & {
      onError: (context: unknown, id: string, payload: unknown, errors: readonly GraphQLError[]) => GraphQLFormattedError[];
    } = {
      onError: (_context, _id, _payload, errors) => errors.map((error) => formatLedgerError(error.toJSON(), error, services.log)),
      onNext: (_context, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((error) => formatLedgerError(error.toJSON(), error, services.log)) } : undefined,
    };
    return {
      module: AppModule,
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: true,
          sortSchema: true,
          introspection: true,
          playground: false,
          includeStacktraceInErrorResponses: false,
          csrfPrevention: true,
          subscriptions: {
            'graphql-ws': {
              path: '/graphql',
              // WebSocket clients authenticate once, in connection_init: { authorization: "Bearer <key>" }.
              ...webSocketErrorMapping,
              onConnect: async (connection) => {
                const context = connection as unknown as WebSocketContext;
                const params = context.connectionParams ?? {};
                const principal = await authenticate(params.authorization ?? params.Authorization);
                if (!principal) {
                  context.extra.socket.close(4401, 'UNAUTHENTICATED: send { authorization: "Bearer <key>" } in connection_init');
                  return false;
                }
                context.extra.principal = principal;
                return true;
              },
            },
          },
          context: async (argument: { req?: Request; extra?: WebSocketContext['extra'] }): Promise<GraphQLRequestContext> => {
            if (argument.extra && !argument.req) return { principal: argument.extra.principal, correlationId: randomUUID() };
            const request = argument.req as Request;
            const supplied = request.headers['x-correlation-id'];
            const correlationId = typeof supplied === 'string' && CORRELATION_ID_PATTERN.test(supplied) ? supplied : randomUUID();
            return { principal: await authenticate(request.headers.authorization), correlationId };
          },
          formatError: (formatted, error) => formatLedgerError(formatted, error, services.log),
        }),
      ],
      controllers: [OperationsController, ReceiptsPdfController, CreditNotesPdfController],
      providers: [{ provide: LEDGER_SERVICES, useValue: services }, { provide: APP_FILTER, useClass: PassToGraphQLFilter }, InvoicesResolver, CustomersResolver, BillingEventsResolver, BillingSettingsResolver, TaxRatesResolver, ExchangeRatesResolver, MoneyFormatResolver, GeneralLedgerResolver, ReceiptsResolver, PaymentMethodsResolver, PaymentsResolver, CreditNotesResolver, CustomerCreditResolver],
    };
  }
}
