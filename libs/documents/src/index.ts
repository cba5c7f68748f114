/**
 * Documents as PDFs: pure rendering (a plain model in, bytes out) with pdfkit and the standard fonts. What a document
 * shows is decided by libs/ledger-application/src/documents, which loads the data and words it in the tenant's locale.
 */
export * from './document-model.js';
export { renderDocumentPdf } from './render-document.js';
export { prepareLogo, requireDrawableLogo, type PreparedLogo } from './logo-image.js';
export { paletteOf, type DocumentPalette } from './palette.js';
export { isWinAnsi, toWinAnsi, type WinAnsiText } from './win-ansi-text.js';
