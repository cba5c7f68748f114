import { Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateScalar, DateTimeScalar } from '../graphql/scalars.js';

/**
 * Test clocks and the tenant's time (docs/architecture.md, "Time"). A tenant on a test clock lives in its simulated
 * time: every command's `now` is the clock's frozen time, and advancing the clock runs the work that fell due.
 */

/** A clock a tenant has had: ACTIVE (its time is the clock's), or DELETED (back on real time, for good). */
export const TestClockStatusEnum = { ACTIVE: 'active', DELETED: 'deleted' } as const;
export type TestClockStatusValue = (typeof TestClockStatusEnum)[keyof typeof TestClockStatusEnum];
registerEnumType(TestClockStatusEnum, { name: 'TestClockStatus', description: "ACTIVE: the tenant's time is the clock's frozen time; DELETED: the tenant is on real time again" });

@ObjectType('TestClock')
export class TestClockType {
  @Field(() => ID) clockId!: string;
  @Field(() => String) name!: string;
  @Field(() => TestClockStatusEnum) status!: TestClockStatusValue;
  @Field(() => DateTimeScalar, { description: "The tenant's now while the clock is active; where it stood when it was deleted" }) frozenTime!: string;
  @Field(() => DateTimeScalar, { description: 'When the clock was created (real time)' }) createdAt!: string;
  @Field(() => DateTimeScalar, { description: 'When the clock was last created, advanced or deleted (real time)' }) updatedAt!: string;
}

@ObjectType('DueWorkRun', { description: 'What an advance ran: the work due up to the new time, in due order, each piece at its own due instant' })
export class DueWorkRunType {
  @Field(() => Int, { description: 'Pieces of due work run' }) steps!: number;
  @Field(() => Int, { description: 'Run to completion' }) done!: number;
  @Field(() => Int, { description: 'Refused by the domain and set aside for an operator' }) parked!: number;
  @Field(() => Int, { description: 'Refused and dropped' }) dropped!: number;
  @Field(() => DateTimeScalar, { nullable: true, description: 'The due instant of the last piece run; null when nothing was due' }) lastDueAt!: string | null;
}

@ObjectType('TestClockPayload')
export class TestClockPayloadType {
  @Field(() => TestClockType) testClock!: TestClockType;
  @Field(() => String, { description: 'The event-log position of this change: pass it as minPosition to read your write' }) position!: string;
}

@ObjectType('AdvanceTestClockPayload')
export class AdvanceTestClockPayloadType {
  @Field(() => TestClockType) testClock!: TestClockType;
  @Field(() => DueWorkRunType) dueWork!: DueWorkRunType;
  @Field(() => String, { description: 'The event-log position of the advance: pass it as minPosition to read your write' }) position!: string;
}

@ObjectType('TenantTime', { description: "The tenant's time: what its next command's now will be, and that day in its time zone" })
export class TenantTimeType {
  @Field(() => DateTimeScalar, { description: "The tenant's now: real time, or its test clock's frozen time" }) now!: string;
  @Field(() => DateScalar, { description: 'now as a calendar date in the tenant\'s time zone: what issue dates, due dates and "overdue" use' }) today!: string;
  @Field(() => String, { description: 'The IANA time zone of the tenant profile' }) timeZone!: string;
  @Field(() => ID, { nullable: true, description: "The active test clock the tenant's time comes from; null on real time" }) testClockId!: string | null;
}

@InputType('CreateTestClockInput')
export class CreateTestClockInput {
  @Field(() => ID, { description: 'Your name for the clock (1-128 of A-Z a-z 0-9 _ . : -); every later call names it' }) clockId!: string;
  @Field(() => String) name!: string;
  @Field(() => DateTimeScalar, { description: "The instant the tenant's time starts at" }) frozenTime!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}

@InputType('AdvanceTestClockInput')
export class AdvanceTestClockInput {
  @Field(() => ID) clockId!: string;
  @Field(() => DateTimeScalar, { description: 'Strictly later than the frozen time (at most 100 years ahead of it)' }) to!: string;
  @Field(() => String, { nullable: true, description: 'Send one: a retry with the same key finishes a run that stopped (DUE_WORK_INCOMPLETE)' }) idempotencyKey?: string | null;
}

@InputType('DeleteTestClockInput')
export class DeleteTestClockInput {
  @Field(() => ID) clockId!: string;
  @Field(() => String, { nullable: true }) idempotencyKey?: string | null;
}
