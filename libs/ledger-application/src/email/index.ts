export * from './email-services.js';
export * from './email-ids.js';
export * from './email-templates.js';
export * from './email-content.js';
export * from './deliver-email.js';
export * from './email-delivery.process-manager.js';
export * from './send-invoice.handler.js';
export * from './email-due-work.handlers.js';
