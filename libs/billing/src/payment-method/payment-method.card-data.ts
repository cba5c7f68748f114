import { validationFailed } from '../common/validation.js';

/**
 * The ledger never stores card data that a merchant may not keep (PCI DSS): a full card number (PAN) or a security
 * code. The gateway keeps those and gives back a token. These checks are the last line: anything that looks like
 * a PAN or is named like a security code is refused, and the message names the field, never the digits.
 */

/** Card numbers are 12 to 19 digits (ISO/IEC 7812), often written in groups separated by spaces or dashes. */
const cardNumberDigitsMin = 12;
const cardNumberDigitsMax = 19;

/** A maximal run of digits, each group separated from the next by at most one space or dash. */
const digitRunPattern = /\d(?:[ -]?\d)*/g;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Keys that name a security code or a full card number, compared without case, spaces, dashes or underscores. */
const forbiddenKeyPattern = /cvv|cvc|cvn|securitycode|cardnumber|cardno|^csc$|^cid$|^pan$/;

/** Nesting and size bounds for the scan (a limit on every loop); commands are small, deeper input is refused. */
const scanDepthMax = 4;
const scanItemsMax = 200;

/** The Luhn (mod 10) check that every card number passes; `digits` holds only digits. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let index = 0; index < digits.length; index += 1) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/**
 * Whether `text` holds a run of 12 to 19 digits (spaces or dashes allowed between them) that passes Luhn. Only whole
 * runs are considered: a longer run of digits is some other number, and testing every window of it would refuse
 * legitimate references by chance. A numeric gateway token that happens to pass is refused too: the safe side.
 */
export function containsCardNumber(text: string): boolean {
  // An identifier in the canonical UUID layout (8-4-4-4-12) is never a card number, though its first groups can be
  // all digits and pass Luhn by chance (about once in 20,000 random ids): ids the ledger derives must not be refused.
  if (uuidPattern.test(text)) return false;
  for (const match of text.matchAll(digitRunPattern)) {
    const digits = match[0].replace(/[ -]/g, '');
    if (digits.length >= cardNumberDigitsMin && digits.length <= cardNumberDigitsMax && passesLuhn(digits)) return true;
  }
  return false;
}

function isForbiddenKey(key: string): boolean {
  return forbiddenKeyPattern.test(key.toLowerCase().replace(/[\s_-]/g, ''));
}

/**
 * Throws VALIDATION_FAILED when any value inside `data` (strings and numbers, at any depth) holds a card number, or
 * any key is named like a security code or a card number. Messages and details carry the field's path only.
 */
export function rejectCardData(data: unknown): void {
  scan(data, '', 0, { items: 0 });
}

/** `path` is '' for the command's data itself, then "holderName", "address.line1", "tags[2]". */
function scan(value: unknown, path: string, depth: number, budget: { items: number }): void {
  const field = path === '' ? 'data' : path;
  budget.items += 1;
  if (budget.items > scanItemsMax || depth > scanDepthMax) {
    throw validationFailed(`${field} is nested too deeply or holds too many values for a payment method command`, { field });
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    if (containsCardNumber(String(value))) {
      throw validationFailed(
        `${field} looks like a full card number: card numbers are never stored; send the gateway's token and the last 4 digits instead`,
        { field },
      );
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => scan(item, `${field}[${index}]`, depth + 1, budget));
    return;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const keyPath = path === '' ? key : `${path}.${key}`;
      if (isForbiddenKey(key)) {
        throw validationFailed(`${keyPath}: card security codes and card numbers are never sent to or stored by the ledger`, { field: keyPath });
      }
      scan(item, keyPath, depth + 1, budget);
    }
  }
}
