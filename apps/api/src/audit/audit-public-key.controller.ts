import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuditTrust } from './audit-trust.provider.js';

const PEM_TYPE = 'application/x-pem-file';

/**
 * GET /audit/public-key: the key that verifies the audit checkpoints (docs/audit-checkpoints.md). Public, without a
 * key: a public key is meant to be handed to anyone (an auditor, the offline verifier), and it holds no tenant data.
 * JSON `{ algorithm, keyId, publicKeyPem }` by default; the PEM text alone with `Accept: application/x-pem-file` or
 * `?format=pem`.
 */
@Controller()
export class AuditPublicKeyController {
  constructor(@Inject(AuditTrust) private readonly trust: AuditTrust) {}

  @Get('audit/public-key')
  publicKey(@Req() request: Request, @Query('format') format: string | undefined, @Res() response: Response): void {
    const key = this.trust.publicKey;
    const headers = { 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff', 'x-audit-key-id': key.keyId };
    if (format !== undefined && format !== 'pem' && format !== 'json') {
      response.status(400).set({ 'cache-control': 'no-store' }).json({ code: 'VALIDATION_FAILED', message: 'format must be "pem" or "json"' });
      return;
    }
    const wantsPem = format === 'pem' || (format === undefined && (request.get('accept') ?? '').toLowerCase().includes(PEM_TYPE));
    if (wantsPem) {
      response.status(200).set({ ...headers, 'content-type': `${PEM_TYPE}; charset=utf-8` }).send(key.publicKeyPem);
      return;
    }
    response.status(200).set(headers).json(key);
  }
}
