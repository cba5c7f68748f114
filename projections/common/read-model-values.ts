/** A nullable timestamptz column as the ISO-8601 instant the GraphQL layer returns. */
export function instantOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : (value as Date).toISOString();
}
