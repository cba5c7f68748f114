import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { ProjectionStateView } from './projection-state.js';

@ObjectType('ProjectionState', {
  description: "A read model's checkpoint and lag (the projection's, shared by every tenant) and the state hash of the caller's tenant's rows (docs/rebuild.md)",
})
export class ProjectionStateType implements ProjectionStateView {
  @Field(() => String, { description: 'The projection, e.g. "invoices" (the names `ledger rebuild` takes)' }) name!: string;
  @Field(() => Int, { description: 'Its version in the code that answers' }) version!: number;
  @Field(() => String, { nullable: true, description: 'Its checkpoint, a log position "<commit>.<prepare>" (shared by every tenant); null before its first one' })
  position!: string | null;
  @Field(() => Int, { description: "Events of its types in the log after its checkpoint, all tenants' (exact up to 1,000; see lagEstimated)" }) lag!: number;
  @Field(() => Boolean, { description: 'True when lag is an upper-bound estimate (a backlog of more than 1,000 events)' }) lagEstimated!: boolean;
  @Field(() => String, {
    nullable: true,
    description: "SHA-256 (hex) of the tenant's rows of its tables at `position`: equal to `ledger replay --projection <name> --tenant <tenant> --to <position>`; null before its tables exist",
  })
  stateHash!: string | null;
}
