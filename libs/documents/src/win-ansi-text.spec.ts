import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isWinAnsi, toWinAnsi } from './win-ansi-text.js';

describe('toWinAnsi', () => {
  it.each([
    ['ASCII', 'Invoice INV-2024-000001: $1,234.50', 'Invoice INV-2024-000001: $1,234.50', 0],
    ['Latin-1 and the WinAnsi extras', 'Straße, Genève, Ñandú – “quoted” € Œuvre Š Ž …', 'Straße, Genève, Ñandú – “quoted” € Œuvre Š Ž …', 0],
    ['a no-break space (de-DE money)', '1.234,50\u00a0€', '1.234,50 €', 0],
    ['a narrow no-break space (fr-FR grouping)', '1\u202f234,50\u00a0€', '1 234,50 €', 0],
    ['bidirectional marks and zero-width characters', '\u200fabc\u200b\u2066def\u2069\ufeff', 'abcdef', 0],
    ['a Unicode minus', '\u22121.234,50 €', '-1.234,50 €', 0],
    ['Arabic-Indic digits', '\u0661\u066c\u0662\u0663\u0664\u066b\u0665\u0660', '1,234.50', 0],
    ['a currency sign outside WinAnsi', '1 234,50 ₽', '1 234,50 RUB', 0],
    ['letters whose accent WinAnsi lacks', 'Łódź, Kraków, Żółć, Ő, ğ', 'Lódz, Kraków, Zólc, O, g', 0],
    ['a decomposed accent', 'e\u0301te\u0301', 'été', 0],
    ['a ligature', 'ﬁnance', 'finance', 0],
    ['Cyrillic', 'Иван', '????', 4],
    ['CJK', '株式会社', '????', 4],
    ['an emoji (one character, two UTF-16 units)', 'paid 💸', 'paid ?', 1],
    ['tabs and line breaks', 'a\tb\r\nc\rd\u2028e', 'a b\nc\nd\ne', 0],
    ['control characters', 'a\u0000b\u001bc\u0085d', 'abc\nd', 0],
  ])('%s', (_case, input, text, unsupported) => {
    expect(toWinAnsi(input)).toEqual({ text, unsupported });
  });

  it('any text comes out printable by the standard fonts, with one "?" per unsupported character at most (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (input) => {
        const { text, unsupported } = toWinAnsi(input);
        for (const character of text) expect(character === '\n' || isWinAnsi(character.codePointAt(0) as number)).toBe(true);
        expect(unsupported).toBeLessThanOrEqual([...text].filter((character) => character === '?').length);
      }),
      { numRuns: 2000 },
    );
  });

  it('text that is already WinAnsi is unchanged (property)', () => {
    const winAnsi = fc.constantFrom(...[...Array.from({ length: 0x5f }, (_, index) => String.fromCharCode(0x20 + index)), ...Array.from({ length: 0x5f }, (_, index) => String.fromCharCode(0xa1 + index)).filter((c) => c !== '\u00ad'), '€', '…', '–', '—', '‘', '’', '“', '”', '•', '™', 'Š', 'š', 'Ž', 'ž', 'Œ', 'œ', 'Ÿ']);
    fc.assert(
      fc.property(fc.array(winAnsi, { maxLength: 60 }), (characters) => {
        const input = characters.join('').normalize('NFC');
        expect(toWinAnsi(input)).toEqual({ text: input, unsupported: 0 });
      }),
      { numRuns: 1000 },
    );
  });
});
