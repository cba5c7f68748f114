import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const DECIMAL_PATTERN = /^-?(0|[1-9]\d*)(\.\d+)?$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'VALIDATION_FAILED' } });
}

function parseDecimal(value: unknown): string {
  if (typeof value === 'number') throw invalid(`Decimal values travel as strings to keep every digit: send "${value}" (quoted), not a number`);
  if (typeof value !== 'string') throw invalid('Decimal must be a string such as "12.50"');
  if (value.length === 0 || value.length > 40 || !DECIMAL_PATTERN.test(value)) {
    throw invalid(`"${value.slice(0, 50)}" is not a plain decimal: use digits with an optional minus sign and decimal point, like "12.50" (no exponent, no spaces, at most 40 characters)`);
  }
  return value;
}

/** Money and quantities as strings, never floats. Parsing is strict: "12.50" yes; 12.5, "1e3", "NaN", "" no. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number as a string, e.g. "12.50". Never a float.',
  serialize: (value) => String(value),
  parseValue: parseDecimal,
  parseLiteral: (ast: ValueNode) => {
    if (ast.kind !== Kind.STRING) throw invalid('Decimal literals must be quoted strings such as "12.50"');
    return parseDecimal(ast.value);
  },
});

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !DATE_PATTERN.test(value)) throw invalid('Date must be a string YYYY-MM-DD');
  const [year, month, day] = value.split('-').map((part) => Number(part)) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) throw invalid(`"${value}" is not a calendar date`);
  return value;
}

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'A calendar date, YYYY-MM-DD.',
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value)),
  parseValue: parseDate,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw invalid('Date literals must be strings YYYY-MM-DD');
    return parseDate(ast.value);
  },
});

function parseDateTime(value: unknown): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value)) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) throw invalid('DateTime must be an ISO 8601 string, e.g. 2026-01-31T12:00:00Z');
  return new Date(value).toISOString();
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An instant, ISO 8601 in UTC.',
  serialize: (value) => (value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString()),
  parseValue: parseDateTime,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw invalid('DateTime literals must be strings');
    return parseDateTime(ast.value);
  },
});
