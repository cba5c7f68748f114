import type { BillingSettings, CustomerState, ReceiptCompany } from '../../../billing/src/index.js';
import type { DocumentBranding, DocumentParty } from '../../../documents/src/index.js';
import { CompanyLogoQueries } from '../../../../projections/company-logos/company-logos.queries.js';
import type { ApplicationServices } from '../common/application-services.js';
import { loadBillingSettings } from '../common/billing-settings.js';
import { DocumentFormat } from './document-format.js';

/** What loading and rendering a document needs: the event store (the document's streams, the settings), the read models (the logo) and a log. */
export type DocumentServices = Pick<ApplicationServices, 'store' | 'db' | 'log'>;

/** What every document of a tenant shares: its settings, formatting, branding, company block, footer and terms. */
export interface DocumentContext {
  readonly tenantId: string;
  readonly settings: BillingSettings;
  readonly format: DocumentFormat;
  readonly branding: DocumentBranding;
  readonly footer: string | null;
  readonly termsAndConditions: string | null;
}

/**
 * The tenant's document settings as they are now (folded from its settings stream, like a command reads them) and its
 * logo (from the company_logos read model) when invoice.showLogo is on. A document printed again later therefore shows
 * the branding, footer and terms of that later day; what it says (lines, amounts, numbers, dates) is its own.
 */
export async function loadDocumentContext(services: DocumentServices, tenantId: string): Promise<DocumentContext> {
  const settings = await loadBillingSettings(services, tenantId);
  const logo = settings.invoice.showLogo ? await new CompanyLogoQueries(services.db).logo(tenantId) : undefined;
  return {
    tenantId,
    settings,
    format: new DocumentFormat(settings.tenant.locale, settings.tenant.timeZone),
    branding: {
      brandColor: settings.company.brandColor,
      colorScheme: settings.invoice.colorScheme,
      logo: logo === undefined ? null : { contentType: logo.contentType, bytes: logo.bytes },
    },
    footer: settings.invoice.footer,
    termsAndConditions: settings.invoice.termsAndConditions,
  };
}

/**
 * The seller's block from the company settings (name, legal name, address, phone, email, website, tax id,
 * registration number) and the tax registrations (tax.registrations). A tenant without a company name prints its
 * profile name, then its id, as receipts do; an address without a country prints the tenant's country.
 */
export function companyParty(context: DocumentContext): DocumentParty {
  const { company, tenant } = context.settings;
  const { address } = company;
  const cityLine = joined([address.city, joined([address.state, address.postalCode], ' ')], ', ');
  // A company address without a country is in the tenant's country (tenant.country); no address prints no country.
  const hasAddress = [address.line1, address.line2, cityLine].some((line) => line !== null && line.trim() !== '');
  const country = address.country ?? (hasAddress ? tenant.country : null);
  return sellerParty(context, {
    name: company.name ?? tenant.name ?? context.tenantId,
    legalName: company.legalName,
    addressLines: [address.line1, address.line2, cityLine, country].filter((line): line is string => line !== null && line.trim() !== ''),
    phone: company.phone,
    email: company.email,
    website: company.website,
    taxId: company.taxId,
    registrationNumber: company.registrationNumber,
  });
}

/**
 * The seller's block from a company as a document recorded it (a receipt keeps the company it was issued by), with
 * the tenant's tax registrations as they are now.
 */
export function sellerParty(context: DocumentContext, company: ReceiptCompany): DocumentParty {
  const lines: string[] = [];
  if (company.legalName !== null && company.legalName !== company.name) lines.push(company.legalName);
  lines.push(...company.addressLines);
  if (company.phone !== null) lines.push(`Phone: ${company.phone}`);
  if (company.email !== null) lines.push(`Email: ${company.email}`);
  if (company.website !== null) lines.push(`Website: ${company.website}`);
  if (company.taxId !== null) lines.push(`Tax ID: ${company.taxId}`);
  if (company.registrationNumber !== null) lines.push(`Registration number: ${company.registrationNumber}`);
  for (const registration of context.settings.tax.registrations) lines.push(`Tax registration (${registration.jurisdiction}): ${registration.number}`);
  return { heading: 'From', name: company.name, lines };
}

/** The buyer's block: the customer as registered now (name, billing address, email, id); only the id when unknown. */
export function customerParty(heading: string, customerId: string, customer: CustomerState, nameOnDocument: string | null = null): DocumentParty {
  const details = customer.details;
  const name = nameOnDocument ?? details?.name ?? customerId;
  if (details === null) return { heading, name, lines: [`Customer ID: ${customerId}`] };
  const address = details.billingAddress;
  const cityLine = joined([address.city, joined([address.region, address.postalCode], ' ')], ', ');
  const lines = [address.line1, address.line2, cityLine, address.country].filter((line): line is string => line !== null && line.trim() !== '');
  if (details.email !== null) lines.push(`Email: ${details.email}`);
  lines.push(`Customer ID: ${customerId}`);
  return { heading, name, lines };
}

/** The parts that are set, joined. */
function joined(parts: readonly (string | null)[], separator: string): string {
  return parts.filter((part): part is string => part !== null && part.trim() !== '').join(separator);
}

/** A file name a mail client and a browser accept: letters, digits, ".", "_" and "-" (anything else becomes "_"). */
export function documentFileName(name: string): string {
  return `${name.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf`;
}
