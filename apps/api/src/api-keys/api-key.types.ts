import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { ApiKeyRecord } from '../../../../libs/access/src/api-keys.service.js';
import type { Role } from '../../../../libs/access/src/principal.js';
import { DateTimeScalar } from '../graphql/scalars.js';

export enum ApiKeyRole {
  ADMIN = 'admin',
  FINANCE = 'finance',
  AUDITOR = 'auditor',
  SERVICE = 'service',
}
registerEnumType(ApiKeyRole, {
  name: 'ApiKeyRole',
  description: 'ADMIN: everything in the tenant, API keys included; FINANCE: reads and writes the ledger; AUDITOR: reads and subscribes, changes nothing; SERVICE: subscribes and sends the allow-listed payment commands',
});

export enum ApiKeyStatus {
  ACTIVE = 'active',
  EXPIRED = 'expired',
  REVOKED = 'revoked',
}
registerEnumType(ApiKeyStatus, { name: 'ApiKeyStatus' });

@ObjectType('ApiKey', { description: 'An API key of this tenant. Its secret is shown once, when it is created or rotated, and never again.' })
export class ApiKeyType {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => ApiKeyRole) role!: ApiKeyRole;
  @Field(() => ApiKeyStatus) status!: ApiKeyStatus;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => String, { nullable: true, description: 'Who created it: api-key:<id>, or operator for the command-line tool' }) createdBy!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) revokedAt!: Date | null;
  @Field(() => String, { nullable: true }) revokedBy!: string | null;
  @Field(() => ID, { nullable: true, description: 'The key that replaced this one at a rotation' }) replacedBy!: string | null;
}

@ObjectType('IssuedApiKeyPayload')
export class IssuedApiKeyPayloadType {
  @Field(() => ApiKeyType) apiKey!: ApiKeyType;
  @Field({ description: 'The key to send as "Authorization: Bearer <secret>". Shown once: only a hash is stored.' }) secret!: string;
}

@ObjectType('RevokeApiKeyPayload')
export class RevokeApiKeyPayloadType {
  @Field(() => ApiKeyType) apiKey!: ApiKeyType;
}

@ObjectType('WhoAmI', { description: 'The credential of this request' })
export class WhoAmIType {
  @Field() tenantId!: string;
  @Field(() => ApiKeyRole) role!: ApiKeyRole;
  @Field(() => ID) keyId!: string;
  @Field() keyName!: string;
}

@InputType()
export class CreateApiKeyInput {
  @Field({ description: 'What the key is for, e.g. "payments gateway" (1-100 printable characters)' }) name!: string;
  @Field(() => ApiKeyRole) role!: ApiKeyRole;
  @Field(() => DateTimeScalar, { nullable: true, description: 'When it stops working; never when omitted' }) expiresAt?: string | null;
}

@InputType()
export class ApiKeyIdInput {
  @Field(() => ID) id!: string;
}

export function toApiKeyType(record: ApiKeyRecord): ApiKeyType {
  return {
    id: record.keyId,
    name: record.name,
    role: record.role as ApiKeyRole,
    status: record.status as ApiKeyStatus,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    expiresAt: record.expiresAt,
    revokedAt: record.revokedAt,
    revokedBy: record.revokedBy,
    replacedBy: record.replacedBy,
  };
}

export function roleOf(role: ApiKeyRole): Role {
  return role as Role;
}
