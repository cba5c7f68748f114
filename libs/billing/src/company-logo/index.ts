export * from './company-logo.commands.js';
export * from './company-logo.events.js';
export * from './company-logo.image.js';
export { evolveCompanyLogo, initialCompanyLogoState, type CompanyLogo, type CompanyLogoState, type CompanyLogoStatus } from './company-logo.state.js';
export { companyLogoDecider, decideCompanyLogo } from './company-logo.decider.js';
