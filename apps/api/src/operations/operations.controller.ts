import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { LEDGER_SERVICES, type LedgerServices } from '../ledger-services.js';
import { notFound, OperationsEndpoints, type OperationsAnswer, type OperationsPath } from './operations-endpoints.js';

/**
 * Liveness, readiness and Prometheus metrics on the API port (see OperationsEndpoints). With LEDGER_OPERATIONS_PORT
 * set, readiness and metrics are served on that port only and answer 404 here; liveness stays here for the
 * container health check.
 */
@Controller()
export class OperationsController {
  private readonly endpoints: OperationsEndpoints;

  constructor(@Inject(LEDGER_SERVICES) private readonly services: LedgerServices) {
    this.endpoints = new OperationsEndpoints(services);
  }

  @Get('health/live')
  async live(@Req() request: Request, @Res() response: Response): Promise<void> {
    send(response, await this.endpoints.answer('/health/live', request.headers.authorization));
  }

  @Get('health/ready')
  async ready(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.serve('/health/ready', request, response);
  }

  @Get('metrics')
  async metrics(@Req() request: Request, @Res() response: Response): Promise<void> {
    await this.serve('/metrics', request, response);
  }

  private async serve(path: OperationsPath, request: Request, response: Response): Promise<void> {
    if (this.services.config.operationsPort !== undefined) return send(response, notFound(path));
    send(response, await this.endpoints.answer(path, request.headers.authorization));
  }
}

function send(response: Response, answer: OperationsAnswer): void {
  response.status(answer.status).set(answer.headers).send(answer.body);
}
