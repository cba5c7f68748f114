export const roles = ['admin', 'finance', 'auditor', 'service'] as const;
export type Role = (typeof roles)[number];

/** Who is calling: every request's tenant and role come from its credential, never from its input. */
export interface Principal {
  readonly tenantId: string;
  readonly role: Role;
  readonly keyId: string;
}

/** Commands a `service` credential may send (ARCHITECTURE.md: an allow-listed set). */
export const serviceCommandAllowList: ReadonlySet<string> = new Set(['recordPayment', 'createPayment', 'markPaymentProcessing', 'markPaymentSucceeded', 'markPaymentFailed', 'retryPayment', 'cancelPayment']);
