import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { isWebhookEvent, publicEventCatalogue } from '../../../../libs/billing/src/index.js';

/**
 * The public event catalogue as JSON Schema (docs/public-events.md, "Schemas"): GET /events/schema lists every type
 * with its version, description and payload schema; GET /events/schema/<type> one of them. Public, without a key: the
 * catalogue is the same for every tenant and holds no tenant data (it is the documented contract of an open-source
 * ledger), and a webhook receiver, which holds no API key, is who needs it.
 */
@Controller()
export class PublicEventsSchemaController {
  @Get('events/schema')
  catalogue(@Res() response: Response): void {
    send(response, 200, publicEventCatalogue());
  }

  @Get('events/schema/:type')
  eventType(@Param('type') type: string, @Res() response: Response): void {
    if (!isWebhookEvent(type)) {
      send(response, 404, { code: 'NOT_FOUND', message: 'no such public event type: GET /events/schema lists them (e.g. /events/schema/invoice.paid)' });
      return;
    }
    send(response, 200, { type, ...publicEventCatalogue().events[type] });
  }
}

function send(response: Response, status: number, body: unknown): void {
  // The document changes only with a release: caches may keep it a few minutes (not an error, which may be a typo).
  response
    .status(status)
    .set({ 'cache-control': status === 200 ? 'public, max-age=300' : 'no-store', 'x-content-type-options': 'nosniff' })
    .json(body);
}
