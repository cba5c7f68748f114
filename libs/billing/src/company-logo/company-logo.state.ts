import { assertNever } from '../common/assert-never.js';
import type { CompanyLogoEvent, CompanyLogoUploaded } from './company-logo.events.js';

/** The logo as the tenant's documents print it. */
export type CompanyLogo = CompanyLogoUploaded['data'];

/** 'none': never had a logo; 'present': `logo` is printed (when invoice.showLogo); 'removed': had one, has none now. */
export type CompanyLogoStatus = 'none' | 'present' | 'removed';

export interface CompanyLogoState {
  status: CompanyLogoStatus;
  logo: CompanyLogo | null;
  /** The instant of the last upload or removal. */
  updatedAt: string | null;
}

export const initialCompanyLogoState: CompanyLogoState = { status: 'none', logo: null, updatedAt: null };

export function evolveCompanyLogo(state: CompanyLogoState, event: CompanyLogoEvent): CompanyLogoState {
  switch (event.type) {
    case 'CompanyLogoUploaded':
      return { status: 'present', logo: { ...event.data }, updatedAt: event.data.uploadedAt };
    case 'CompanyLogoRemoved':
      return { ...state, status: 'removed', logo: null, updatedAt: event.data.removedAt };
    default:
      return assertNever(event, 'company logo event');
  }
}
