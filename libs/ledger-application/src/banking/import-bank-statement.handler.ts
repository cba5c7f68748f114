import { createHash } from 'node:crypto';
import {
  decideBankReconciliation,
  evolveBankReconciliation,
  type BankReconciliationEvent,
  type BankReconciliationState,
  type BankStatementImported,
  type ReconciliationLine,
  statementLineOf,
  statementOf,
} from '../../../billing/src/index.js';
import { validationFailed } from '../../../billing/src/common/validation.js';
import { aggregates, executeWithRetry, load, storedAppend, uuidV5, type CommandContext } from '../../../application/src/index.js';
import { lineKeys, parseStatement, type ParsedStatement } from '../../../bank-statements/src/index.js';
import type { Position } from '../../../event-store/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import { requireBankAccount } from './bank-accounts.handlers.js';
import type { ImportBankStatementCommandInput } from './banking.inputs.js';
import { automaticMatches, loadMatchingContext } from './automatic-matching.js';

/** What an import did: the statement it added (null when every line was known), its counts, and where. */
export interface ImportStatementOutcome {
  readonly statement: BankStatementImported['data'] | null;
  readonly addedLineCount: number;
  readonly duplicateLineCount: number;
  readonly autoMatchedLineCount: number;
  readonly position: Position | undefined;
}

/** A statement file is text of at most 5 MB (the parser's own bound, checked here first so a huge body is not hashed). */
const CONTENT_LENGTH_MAX = 5 * 1024 * 1024;

/**
 * Imports a bank statement file and matches it, in one append to the account's reconciliation stream:
 *
 * 1. parse it (libs/bank-statements) in the account's currency, CSV with the account's saved mapping; a bad file is
 *    refused whole (VALIDATION_FAILED listing each problem's line and reason), before anything is read or written;
 * 2. key every line (lineKeys) and decide ImportStatement: lines already imported are skipped and counted, and a file
 *    whose every line is known (or the same file again) decides nothing, so nothing is appended;
 * 3. automatic matching on what the import added: the tenant's active rules for the account (the matching rules
 *    aggregate), the account's unmatched lines (its state after the import) and unmatched payments (the read model,
 *    re-checked by the aggregate), proposed by the domain's engine and decided as RecordMatches (decision = rule and
 *    version), appended with the import at the revision read. A conflict re-reads and re-decides everything.
 */
export async function importBankStatement(services: ApplicationServices, context: CommandContext, input: ImportBankStatementCommandInput): Promise<ImportStatementOutcome> {
  const { tenantId } = context;
  const account = await requireBankAccount(services, tenantId, input.bankAccountId);
  const bankAccountId = account.bankAccountId as string;
  const currency = account.account?.currency as string;
  if (typeof input.content !== 'string' || input.content.length === 0) throw validationFailed('content must be the statement file as text', { field: 'content' });
  if (input.content.length > CONTENT_LENGTH_MAX) throw validationFailed('content is larger than 5 MB: split the statement', { field: 'content' });
  if (input.format === 'csv' && account.csvMapping === null) {
    throw validationFailed(`Bank account ${bankAccountId} has no CSV mapping: save one (saveBankStatementCsvMapping) before importing CSV`, { field: 'format', bankAccountId });
  }
  const parsed: ParsedStatement = parseStatement({
    format: input.format,
    content: input.content,
    ...(input.format === 'csv' && account.csvMapping !== null ? { csvMapping: account.csvMapping } : {}),
    currency,
    openingBalance: input.openingBalance ?? null,
    closingBalance: input.closingBalance ?? null,
  });
  const keys = lineKeys(bankAccountId, parsed.lines);
  const fileSha256 = createHash('sha256').update(input.content, 'utf8').digest('hex');
  const statementId = `st_${uuidV5(`${context.commandId}:statement`)}`;
  const streamId = aggregates.bankReconciliation.stream(tenantId, bankAccountId);
  const metadata = { now: context.now };
  return executeWithRetry(services.store, async (_attempt, reads) => {
    const loaded = reads.track(streamId, await load(services.store, aggregates.bankReconciliation, tenantId, bankAccountId, context.commandId));
    const { alreadyAppliedAt } = loaded;
    if (alreadyAppliedAt) return { appends: [], result: () => replayedOutcome(loaded.state, statementId, parsed.lines.length, alreadyAppliedAt) };
    const imported = decideBankReconciliation(
      {
        type: 'ImportStatement',
        data: {
          bankAccountId,
          accountCurrency: currency,
          statementId,
          format: input.format,
          fileSha256,
          statementRef: parsed.statementRef,
          fileName: input.fileName ?? null,
          currency: parsed.currency,
          openingBalance: parsed.openingBalance,
          closingBalance: parsed.closingBalance,
          fromDate: parsed.fromDate,
          toDate: parsed.toDate,
          lines: parsed.lines.map((line, index) => ({
            lineKey: keys[index] as string,
            bookingDate: line.bookingDate,
            valueDate: line.valueDate,
            amount: line.amount,
            reference: line.reference,
            counterparty: line.counterparty,
            description: line.description,
            bankTransactionId: line.bankTransactionId,
          })),
        },
        metadata,
      },
      loaded.state,
    );
    const statement = imported.find((event): event is BankStatementImported => event.type === 'BankStatementImported') ?? null;
    if (statement === null) {
      return { appends: [], result: () => ({ statement: null, addedLineCount: 0, duplicateLineCount: parsed.lines.length, autoMatchedLineCount: 0, position: loaded.lastPosition }) };
    }
    const afterImport = imported.reduce(evolveBankReconciliation, loaded.state);
    const matching = await loadMatchingContext(services, tenantId, bankAccountId, currency, reads);
    const matched: BankReconciliationEvent[] = automaticMatches(afterImport, matching, context, metadata);
    const autoMatchedLineCount = matched.reduce((count, event) => count + (event.type === 'StatementLinesMatched' ? event.data.lineIds.length : 0), 0);
    return {
      appends: [storedAppend(context, streamId, loaded.expectedRevision, [...imported, ...matched])],
      result: (position) => ({
        statement: statement.data,
        addedLineCount: statement.data.lines.length,
        duplicateLineCount: statement.data.duplicateLineCount,
        autoMatchedLineCount,
        position,
      }),
    };
  });
}

/** A retried import (same idempotency key) answers with the statement its first run added, read back from the state. */
function replayedOutcome(state: BankReconciliationState, statementId: string, fileLineCount: number, position: Position): ImportStatementOutcome {
  const statement = statementOf(state, statementId);
  if (statement === null) return { statement: null, addedLineCount: 0, duplicateLineCount: fileLineCount, autoMatchedLineCount: 0, position };
  const lines = statement.lineIds.map((lineId) => statementLineOf(state, lineId)).filter((line): line is ReconciliationLine => line !== null);
  const { lineIds: _lineIds, sequence: _sequence, ...data } = statement;
  return {
    statement: {
      ...data,
      bankAccountId: state.bankAccountId as string,
      lines: lines.map(({ statementId: _statement, status: _status, matchId: _match, resolvedTo: _resolved, ...line }) => line),
    },
    addedLineCount: lines.length,
    duplicateLineCount: statement.duplicateLineCount,
    autoMatchedLineCount: lines.filter((line) => line.status === 'matched').length,
    position,
  };
}
