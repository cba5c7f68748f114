/**
 * Makes a switch exhaustive (docs/architecture.md, Conventions 2): the call only type-checks when every case has been
 * handled. Reaching it at run time means a value arrived that the types said could not exist, a programmer error, so it
 * crashes rather than returning a domain error.
 */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
