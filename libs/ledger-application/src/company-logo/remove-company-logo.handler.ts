import { aggregates, executeCommand, type CommandContext } from '../../../application/src/index.js';
import type { ApplicationServices } from '../common/application-services.js';
import type { CompanyLogoOutcome } from './upload-company-logo.handler.js';

/** Removes the tenant's company logo: documents print the company name in its place. Nothing to remove changes nothing. */
export function removeCompanyLogo(services: Pick<ApplicationServices, 'store'>, context: CommandContext): Promise<CompanyLogoOutcome> {
  return executeCommand(services.store, context, aggregates.companyLogo.on(context.tenantId, { command: () => ({ type: 'RemoveCompanyLogo', data: {} }) }));
}
