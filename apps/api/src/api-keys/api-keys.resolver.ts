import { Inject } from '@nestjs/common';
import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { requirePrincipal, type GraphQLRequestContext } from '../graphql/request-context.js';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { ApiKeyIdInput, ApiKeyRole, ApiKeyType, CreateApiKeyInput, IssuedApiKeyPayloadType, RevokeApiKeyPayloadType, WhoAmIType, roleOf, toApiKeyType } from './api-key.types.js';

/**
 * A tenant's admins manage its API keys (the roles table allows these operations to `admin` only). They run in the
 * tenant's scope, so row-level security keeps every read and write to this tenant's keys. These mutations take no
 * idempotency key on purpose: a stored answer would hold the secret in plain text.
 */
@Resolver(() => ApiKeyType)
export class ApiKeysResolver {
  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {}

  @Query(() => WhoAmIType, { description: 'The tenant, role and key of the credential sending this request' })
  whoAmI(@Context() request: GraphQLRequestContext): WhoAmIType {
    const principal = requirePrincipal(request);
    return { tenantId: principal.tenantId, role: principal.role as ApiKeyRole, keyId: principal.keyId, keyName: principal.keyName };
  }

  @Query(() => [ApiKeyType], { description: "This tenant's API keys, oldest first; revoked and expired ones too with includeInactive" })
  async apiKeys(@Args('includeInactive', { type: () => Boolean, defaultValue: false }) includeInactive: boolean, @Context() request: GraphQLRequestContext): Promise<ApiKeyType[]> {
    const principal = requirePrincipal(request);
    return (await this.services.apiKeys.listKeys(principal.tenantId, { includeInactive })).map(toApiKeyType);
  }

  @Query(() => ApiKeyType, { nullable: true })
  async apiKey(@Args('id', { type: () => ID }) id: string, @Context() request: GraphQLRequestContext): Promise<ApiKeyType | null> {
    const principal = requirePrincipal(request);
    try {
      return toApiKeyType(await this.services.apiKeys.getKey(principal.tenantId, id));
    } catch (error) {
      if ((error as { code?: unknown }).code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  @Mutation(() => IssuedApiKeyPayloadType, { description: 'A new key with a role, a name and an optional expiry; the secret is in this answer only' })
  async createApiKey(@Args('input', { type: () => CreateApiKeyInput }) input: CreateApiKeyInput, @Context() request: GraphQLRequestContext): Promise<IssuedApiKeyPayloadType> {
    const principal = requirePrincipal(request);
    const issued = await this.services.apiKeys.createKey(principal.tenantId, { role: roleOf(input.role), name: input.name, expiresAt: input.expiresAt ? new Date(input.expiresAt) : null }, `api-key:${principal.keyId}`);
    this.services.log(`API key ${issued.key.keyId} (${issued.key.role}) created in tenant ${principal.tenantId}`);
    return { apiKey: toApiKeyType(issued.key), secret: issued.secret };
  }

  @Mutation(() => IssuedApiKeyPayloadType, { description: 'Replaces a key by a new one (same name, role and expiry) and revokes the old one at once' })
  async rotateApiKey(@Args('input', { type: () => ApiKeyIdInput }) input: ApiKeyIdInput, @Context() request: GraphQLRequestContext): Promise<IssuedApiKeyPayloadType> {
    const principal = requirePrincipal(request);
    const issued = await this.services.apiKeys.rotateKey(principal.tenantId, input.id, `api-key:${principal.keyId}`);
    this.services.log(`API key ${input.id} rotated to ${issued.key.keyId} in tenant ${principal.tenantId}`);
    return { apiKey: toApiKeyType(issued.key), secret: issued.secret };
  }

  @Mutation(() => RevokeApiKeyPayloadType, { description: 'Revokes a key at once: requests with it are refused and its open subscriptions close within a second. Revoking twice is harmless.' })
  async revokeApiKey(@Args('input', { type: () => ApiKeyIdInput }) input: ApiKeyIdInput, @Context() request: GraphQLRequestContext): Promise<RevokeApiKeyPayloadType> {
    const principal = requirePrincipal(request);
    const revoked = await this.services.apiKeys.revokeKey(principal.tenantId, input.id, `api-key:${principal.keyId}`);
    this.services.log(`API key ${input.id} revoked in tenant ${principal.tenantId}`);
    return { apiKey: toApiKeyType(revoked) };
  }
}
