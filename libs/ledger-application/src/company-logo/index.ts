export * from './company-logo.inputs.js';
export * from './upload-company-logo.handler.js';
export * from './remove-company-logo.handler.js';
