export const roles = ['admin', 'finance', 'auditor', 'service'] as const;
export type Role = (typeof roles)[number];

/** Who is calling: every request's tenant and role come from its credential, never from its input. */
export interface Principal {
  readonly tenantId: string;
  readonly role: Role;
  readonly keyId: string;
  /** The key's name as its admin gave it: recorded beside the key id as the actor of every event. */
  readonly keyName: string;
}
