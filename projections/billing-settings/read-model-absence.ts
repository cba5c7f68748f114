/** PostgreSQL's "undefined_table". */
const UNDEFINED_TABLE = '42P01';

/**
 * A projection creates its tables when the runner first starts it, a moment after the API starts listening. Until
 * then the read model is simply empty: a query in that moment answers as from an empty read model rather than fail
 * (a query that must see a write passes minPosition, which waits for the projection's checkpoint, made after its
 * tables). Any other error passes through.
 */
export async function emptyUntilCreated<Result>(work: () => Promise<Result>, empty: Result): Promise<Result> {
  try {
    return await work();
  } catch (error) {
    if ((error as { code?: unknown }).code === UNDEFINED_TABLE) return empty;
    throw error;
  }
}
