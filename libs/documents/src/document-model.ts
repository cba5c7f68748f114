/**
 * What a document (invoice, receipt, credit note) shows, as plain data: every text already worded and formatted in
 * the tenant's locale by the caller (libs/ledger-application/src/documents), so the renderer only lays it out. The
 * same model always gives the same PDF bytes.
 */

export const documentColorSchemes = ['default', 'brand', 'monochrome'] as const;
/** invoice.colorScheme: neutral colours, the company's brand colour, or black and greys only. */
export type DocumentColorScheme = (typeof documentColorSchemes)[number];

/** A logo as stored: the renderer checks it again (libs/billing inspectLogoImage) before drawing it. */
export interface DocumentLogo {
  readonly contentType: 'image/png' | 'image/jpeg';
  readonly bytes: Uint8Array;
}

export interface DocumentBranding {
  /** "#RRGGBB" (company.brandColor); anything else falls back to the default scheme's colours. */
  readonly brandColor: string;
  readonly colorScheme: DocumentColorScheme;
  /** Drawn at the top left; null draws none (no logo uploaded, or invoice.showLogo off). */
  readonly logo: DocumentLogo | null;
}

/** A block of a party: the seller (the company) or the buyer (the customer). */
export interface DocumentParty {
  /** "From", "Bill to". */
  readonly heading: string;
  /** Printed bold. */
  readonly name: string;
  /** Every other line, in order (address, contact, tax numbers); none is empty. */
  readonly lines: readonly string[];
}

/** One "Label: value" line under the title (number, dates, terms, status). */
export interface DocumentField {
  readonly label: string;
  readonly value: string;
}

export interface DocumentColumn {
  readonly header: string;
  readonly align: 'left' | 'right';
  /** The column's share of the table's width, relative to the other columns'. */
  readonly weight: number;
}

export interface DocumentTable {
  /** Printed above the table; null for none. */
  readonly heading: string | null;
  readonly columns: readonly DocumentColumn[];
  /** One text per column; a long text wraps within its column, and a table longer than a page goes on (header repeated). */
  readonly rows: readonly (readonly string[])[];
}

export interface DocumentTotal {
  readonly label: string;
  readonly value: string;
  /** The grand total or the balance due: bold, in the accent colour, with a rule above. */
  readonly emphasis: boolean;
}

/** A titled paragraph after the totals (exchange rate, payment instructions, notes). Newlines are kept. */
export interface DocumentSection {
  readonly heading: string;
  readonly text: string;
}

export interface DocumentModel {
  /** "INVOICE", "RECEIPT", "CREDIT NOTE". */
  readonly title: string;
  /** Printed faintly across every page ("DRAFT", "VOID"); null for none. */
  readonly watermark: string | null;
  /** The document's own instant (ISO 8601): the PDF's creation date, so that the same document gives the same bytes. */
  readonly createdAt: string;
  /** The PDF's title (document properties). */
  readonly fileTitle: string;
  /** BCP-47 language of the document (the tenant's locale), for readers and screen readers. */
  readonly language: string;
  readonly fields: readonly DocumentField[];
  readonly seller: DocumentParty;
  readonly buyer: DocumentParty | null;
  readonly tables: readonly DocumentTable[];
  readonly totals: readonly DocumentTotal[];
  readonly sections: readonly DocumentSection[];
  /** invoice.termsAndConditions: may be long (it wraps and runs onto further pages); null for none. */
  readonly termsAndConditions: string | null;
  /** invoice.footer: printed at the foot of every page, above "Page n of m"; null for none. */
  readonly footer: string | null;
  readonly branding: DocumentBranding;
}

/** The PDF and what rendering it had to change. */
export interface RenderedPdf {
  readonly bytes: Buffer;
  readonly pageCount: number;
  /** Characters the standard PDF fonts cannot show, printed as "?" (see win-ansi-text.ts): worth a warning. */
  readonly unsupportedCharacters: number;
}
