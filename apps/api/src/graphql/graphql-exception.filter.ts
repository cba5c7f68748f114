import { Catch, type ExceptionFilter } from '@nestjs/common';

/**
 * Hands every resolver error to Apollo untouched, where formatLedgerError (the one mapping place) gives it its
 * code. Without this, Nest's default filter logs each domain error (a rejected payment, say) as a server ERROR.
 */
@Catch()
export class PassToGraphQLFilter implements ExceptionFilter {
  catch(exception: unknown): unknown {
    return exception;
  }
}
