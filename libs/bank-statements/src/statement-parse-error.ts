import { DomainError } from '../../billing/src/common/domain-error.js';

/** One reason a statement file was refused: the 1-based line of the file it concerns (null: the whole file). */
export interface StatementIssue {
  readonly line: number | null;
  readonly reason: string;
}

/** At most this many issues are listed; the message counts the rest. */
export const STATEMENT_ISSUES_LISTED_MAX = 20;

/**
 * A refused statement file. Nothing of a refused file is imported, so the error lists every problem found (up to
 * 20) rather than the first one only. It is a VALIDATION_FAILED DomainError with `details.issues`, so the API maps
 * it like any other bad input without knowing this library.
 */
export class StatementParseError extends DomainError {
  readonly issues: readonly StatementIssue[];
  /** How many problems were found in all, listed or not. */
  readonly issueCount: number;

  constructor(issues: readonly StatementIssue[], issueCount: number = issues.length) {
    const listed = issues.slice(0, STATEMENT_ISSUES_LISTED_MAX);
    const more = issueCount - listed.length;
    const text = listed.map((issue) => (issue.line === null ? issue.reason : `line ${issue.line}: ${issue.reason}`)).join('; ');
    super('VALIDATION_FAILED', `The statement file was refused: ${text}${more > 0 ? ` (and ${more} more problems)` : ''}`, {
      issues: listed,
      issueCount,
    });
    this.issues = listed;
    this.issueCount = issueCount;
  }
}

/** Collects the problems of one file; `throwIfAny` refuses the file when there is one. */
export class StatementIssues {
  private readonly listed: StatementIssue[] = [];
  private total = 0;

  add(line: number | null, reason: string): void {
    this.total += 1;
    if (this.listed.length < STATEMENT_ISSUES_LISTED_MAX) this.listed.push({ line, reason });
  }

  get count(): number {
    return this.total;
  }

  throwIfAny(): void {
    if (this.total > 0) throw new StatementParseError(this.listed, this.total);
  }

  /** Refuses the file at once: for problems after which reading on makes no sense (not XML, wrong format). */
  fail(line: number | null, reason: string): never {
    this.add(line, reason);
    throw new StatementParseError(this.listed, this.total);
  }
}
