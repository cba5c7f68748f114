import type { DocumentColumn } from '../../../documents/src/index.js';

/** The columns of an invoice's or a credit note's lines. */
export const lineColumns: readonly DocumentColumn[] = [
  { header: 'Description', align: 'left', weight: 4.2 },
  { header: 'Quantity', align: 'right', weight: 1.2 },
  { header: 'Unit price', align: 'right', weight: 1.7 },
  { header: 'Tax', align: 'right', weight: 1.2 },
  { header: 'Amount', align: 'right', weight: 1.7 },
];

/** The columns of a tax breakdown: one row per rate. */
export const taxBreakdownColumns: readonly DocumentColumn[] = [
  { header: 'Tax', align: 'left', weight: 3.6 },
  { header: 'Rate', align: 'right', weight: 1.2 },
  { header: 'Taxable amount', align: 'right', weight: 2 },
  { header: 'Tax amount', align: 'right', weight: 2 },
];
