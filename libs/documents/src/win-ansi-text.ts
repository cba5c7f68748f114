/**
 * Text for the standard PDF fonts (Helvetica), which cover WinAnsi only: ASCII, Latin-1 and 27 more characters
 * (€, dashes, quotes, Š, Ž, Œ, ...). pdfkit writes any other character as a wrong byte without a word, so every text
 * goes through here first, and the documents stay deterministic and need no font files:
 *
 * - no-break, narrow no-break and other Unicode spaces (what Intl puts in "1.234,50 €") become plain spaces, so a
 *   reader searching the PDF finds the amount as typed; bidirectional marks and zero-width characters are dropped;
 * - Unicode minus and hyphens become "-", digits of other numbering systems (Arabic-Indic, Devanagari, Bengali)
 *   ASCII digits, and currency signs outside WinAnsi their ISO code ("₽" -> "RUB"), so an amount never loses meaning;
 * - letters with diacritics outside Latin-1 lose the diacritic ("ő" -> "o", "ł" -> "l"), compatibility forms are
 *   decomposed ("ﬁ" -> "fi");
 * - anything else (Cyrillic, Greek, CJK, emoji) becomes "?" and is counted, so the caller can warn: never garbage,
 *   never silently.
 */

/** The characters of WinAnsi (Windows-1252) above Latin-1's range, by code point. */
const WIN_ANSI_EXTRA = new Set([
  0x20ac, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x017d, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc,
  0x2122, 0x0161, 0x203a, 0x0153, 0x017e, 0x0178,
]);

/** Whether the standard fonts draw the character (newline aside). */
export function isWinAnsi(codePoint: number): boolean {
  return (codePoint >= 0x20 && codePoint <= 0x7e) || (codePoint >= 0xa1 && codePoint <= 0xff && codePoint !== 0xad) || WIN_ANSI_EXTRA.has(codePoint);
}

const SUBSTITUTES: ReadonlyMap<string, string> = new Map([
  ['\u2212', '-'],
  ['\u2010', '-'],
  ['\u2011', '-'],
  ['\u2012', '-'],
  ['\u2015', '-'],
  ['\u2032', "'"],
  ['\u2033', '"'],
  ['\u066b', '.'],
  ['\u066c', ','],
  ['\u066a', '%'],
  ['ł', 'l'],
  ['Ł', 'L'],
  ['đ', 'd'],
  ['Đ', 'D'],
  ['ı', 'i'],
  ['ħ', 'h'],
  ['Ħ', 'H'],
  ['ŧ', 't'],
  ['Ŧ', 'T'],
  ['ŀ', 'l'],
  ['Ŀ', 'L'],
  ['₽', 'RUB'],
  ['₹', 'INR'],
  ['₩', 'KRW'],
  ['₺', 'TRY'],
  ['₫', 'VND'],
  ['₴', 'UAH'],
  ['₪', 'ILS'],
  ['₦', 'NGN'],
  ['₱', 'PHP'],
  ['₸', 'KZT'],
  ['₼', 'AZN'],
  ['₾', 'GEL'],
  ['฿', 'THB'],
  ['₡', 'CRC'],
  ['₲', 'PYG'],
  ['₵', 'GHS'],
  ['₭', 'LAK'],
  ['₮', 'MNT'],
  ['₨', 'Rs'],
  ['৳', 'BDT'],
  ['៛', 'KHR'],
]);

/** Zero digits of the numbering systems whose digits become ASCII digits. */
const DIGIT_ZEROS = [0x0660, 0x06f0, 0x0966, 0x09e6, 0xff10];
const SPACES = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t]/gu;
const LINE_BREAKS = /\r\n|[\r\u2028\u2029\u0085]/gu;
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/gu;
const COMBINING = /\p{M}/gu;
const MARK = /^\p{M}$/u;

export interface WinAnsiText {
  readonly text: string;
  /** Characters printed as "?". */
  readonly unsupported: number;
}

/** `value` as the standard fonts can print it (see the header comment); newlines are kept. */
export function toWinAnsi(value: string): WinAnsiText {
  const normalised = value.normalize('NFC').replace(LINE_BREAKS, '\n').replace(SPACES, ' ').replace(INVISIBLE, '');
  let text = '';
  let unsupported = 0;
  for (const character of normalised) {
    const codePoint = character.codePointAt(0) as number;
    if (character === '\n' || isWinAnsi(codePoint)) {
      text += character;
      continue;
    }
    if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0)) continue; // control characters
    if (MARK.test(character)) continue; // a mark NFC could not join to its letter, a variation selector
    const substitute = SUBSTITUTES.get(character) ?? digitOf(codePoint) ?? decomposed(character);
    if (substitute !== undefined) {
      text += substitute;
    } else {
      text += '?';
      unsupported += 1;
    }
  }
  return { text, unsupported };
}

function digitOf(codePoint: number): string | undefined {
  const zero = DIGIT_ZEROS.find((start) => codePoint >= start && codePoint <= start + 9);
  return zero === undefined ? undefined : String(codePoint - zero);
}

/** The character's compatibility decomposition without its marks, when that is printable ("ő" -> "o", "ﬁ" -> "fi"). */
function decomposed(character: string): string | undefined {
  const base = character.normalize('NFKD').replace(COMBINING, '');
  if (base.length === 0 || base === character) return undefined;
  return [...base].every((part) => isWinAnsi(part.codePointAt(0) as number)) ? base : undefined;
}
