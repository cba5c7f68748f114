/** What the test-clock commands take: plain data, structurally what the GraphQL inputs carry. */
export interface CreateTestClockCommandInput {
  /** The caller's name for the clock: a retried create is recognised by it, and every later command names it. */
  readonly clockId: string;
  readonly name: string;
  /** The instant the tenant's time starts at (ISO 8601). */
  readonly frozenTime: string;
}

export interface AdvanceTestClockCommandInput {
  readonly clockId: string;
  /** Where the clock moves to (ISO 8601): strictly later than its frozen time. */
  readonly to: string;
}

export interface TestClockIdInput {
  readonly clockId: string;
}
