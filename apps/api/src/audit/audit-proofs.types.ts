import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Connection } from '../graphql/connection.types.js';

@ObjectType('AuditCheckpoint', {
  description:
    'A signed statement: the tenant\'s Merkle tree of treeSize events has rootHash, its last event is at position. Verify the ed25519 signature over signedBody with the key of GET /audit/public-key',
})
export class AuditCheckpointType {
  @Field(() => String, { description: 'The format of the signed body: "billing-ledger/checkpoint/v1"' }) format!: string;
  @Field(() => Int, { description: 'How many of the tenant\'s events the tree holds (its first treeSize events in log order)' }) treeSize!: number;
  @Field(() => String, { description: 'The RFC 6962 root of the tree, lowercase hex' }) rootHash!: string;
  @Field(() => String, { description: 'The log position of the last event in the tree ("0.0" for an empty tree)' }) position!: string;
  @Field(() => String, { description: 'When it was signed, by the tenant\'s clock: the ISO 8601 instant exactly as signed' }) time!: string;
  @Field(() => String, { description: 'The signing key\'s id (GET /audit/public-key keyId)' }) keyId!: string;
  @Field(() => String, { description: 'The ed25519 signature over signedBody, base64' }) signature!: string;
  @Field(() => String, { description: 'The exact signed bytes (UTF-8): the RFC 8785 JSON of format, position, rootHash, tenantId, time, treeSize' })
  signedBody!: string;
}

export const AuditCheckpointConnectionType = Connection(AuditCheckpointType, 'AuditCheckpoint');

@ObjectType('InclusionProof', {
  description: 'RFC 6962 proof that an event is leaf leafIndex of the tree of treeSize: verify leafHash, leafIndex, treeSize, hashes against rootHash (RFC 9162 2.1.3.2)',
})
export class InclusionProofType {
  @Field(() => ID) eventId!: string;
  @Field(() => String, { description: 'The stream, as stored: "<tenant>:<category>-<id>"' }) streamId!: string;
  @Field(() => String, { description: 'The revision of the event in its stream, from 0' }) revision!: string;
  @Field(() => String, { description: 'The log position of the event when it was sealed' }) position!: string;
  @Field(() => Int, { description: '0-based: the number of the tenant\'s events before it' }) leafIndex!: number;
  @Field(() => Int) treeSize!: number;
  @Field(() => String, { description: 'The event\'s chain hash as sealed (the leaf data), lowercase hex' }) eventHash!: string;
  @Field(() => String, { description: 'SHA-256(0x00 || eventHash), lowercase hex' }) leafHash!: string;
  @Field(() => String, { description: 'The root of the tree of treeSize, lowercase hex' }) rootHash!: string;
  @Field(() => [String], { description: 'The audit path, from the leaf up, lowercase hex' }) hashes!: string[];
  @Field(() => AuditCheckpointType, { nullable: true, description: 'The signed checkpoint of treeSize, when there is one (its rootHash is this rootHash)' })
  checkpoint!: AuditCheckpointType | null;
}

@ObjectType('ConsistencyProof', {
  description: 'RFC 6962 proof that the tree of fromSize is a prefix of the tree of toSize: verify fromSize, toSize, fromRoot, toRoot, hashes (RFC 9162 2.1.4.2)',
})
export class ConsistencyProofType {
  @Field(() => Int) fromSize!: number;
  @Field(() => Int) toSize!: number;
  @Field(() => String, { description: 'Lowercase hex' }) fromRoot!: string;
  @Field(() => String, { description: 'Lowercase hex' }) toRoot!: string;
  @Field(() => [String], { description: 'Lowercase hex; empty when fromSize equals toSize' }) hashes!: string[];
  @Field(() => AuditCheckpointType, { nullable: true, description: 'The signed checkpoint of fromSize, when there is one' }) fromCheckpoint!: AuditCheckpointType | null;
  @Field(() => AuditCheckpointType, { nullable: true, description: 'The signed checkpoint of toSize, when there is one' }) toCheckpoint!: AuditCheckpointType | null;
}
