import { describe, expect, it } from '@jest/globals';
import { StatementIssues, StatementParseError } from './statement-parse-error.js';
import { type XmlElement, childElement, decodeXmlText, readXml } from './xml-reader.js';

const read = (content: string): XmlElement => readXml(content, new StatementIssues());
function refusedWith(content: string): { line: number | null; reason: string } {
  try {
    read(content);
  } catch (error) {
    if (error instanceof StatementParseError && error.issues[0] !== undefined) return error.issues[0];
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('readXml', () => {
  it('reads elements, prefixes, attributes (quotes of both kinds, ">" inside), text, CDATA, comments and PIs, with lines', () => {
    const root = read(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!-- a comment <Stmt> -->',
        '<c:Doc xmlns:c="urn:x" a=\'1\' b="x > y &amp; z">',
        '  <c:Amt Ccy="EUR" >12.50</c:Amt>',
        '  <Empty/><Txt>A &lt;b&gt; <![CDATA[<raw> & ]]>&#233;</Txt>',
        '  <?pi ignored?>',
        '</c:Doc>',
      ].join('\n'),
    );
    expect(root).toMatchObject({ name: 'Doc', prefix: 'c', line: 3 });
    expect(Object.fromEntries(root.attributes)).toEqual({ 'xmlns:c': 'urn:x', a: '1', b: 'x > y & z' });
    expect(childElement(root, 'Amt')).toMatchObject({ text: '12.50', line: 4 });
    expect(childElement(root, 'Amt')?.attributes.get('Ccy')).toBe('EUR');
    expect(childElement(root, 'Empty')).toMatchObject({ text: '', children: [] });
    expect(childElement(root, 'Txt')?.text).toBe('A <b> <raw> & é');
  });

  it.each([
    ['<a><b></a>', 'not well-formed XML: closing tag </a> does not match <b> opened on line 1'],
    ['<a></a><b/>', 'not well-formed XML: a second root element <b>'],
    ['text<a/>', 'not well-formed XML: text outside the root element'],
    ['<a>\n<b>', 'not well-formed XML: <b> is never closed'],
    ['<a><!-- never closed </a>', 'not well-formed XML: a comment is never closed'],
    ['<a b=1></a>', 'not well-formed XML: malformed tag <a>'],
    ['<a><1/></a>', 'not well-formed XML: malformed tag "<1/></a>"'],
    ['', 'not well-formed XML: the file has no element'],
    ['<a><!ELEMENT x ANY></a>', 'not well-formed XML: unsupported declaration "<!ELEMENT x ANY></a>"'],
    ['<a>\n<!doctype a></a>', 'the file contains a <!DOCTYPE> declaration; DTDs and entities are refused in statement files'],
  ])('refuses %j', (content, reason) => {
    expect(refusedWith(content).reason).toBe(reason);
  });

  it('names the line of the problem', () => {
    expect(refusedWith('<a>\n<b>\n</c>\n</a>')).toEqual({ line: 3, reason: 'not well-formed XML: closing tag </c> does not match <b> opened on line 2' });
  });
});

describe('decodeXmlText', () => {
  it.each([
    ['a &amp; b', 'a & b'],
    ['&lt;&gt;&quot;&apos;', '<>"\''],
    ['&#65;&#x42;', 'AB'],
    ['&unknown; &#0; &#xD800; &#x110000;', '&unknown; &#0; &#xD800; &#x110000;'],
    ['&amp;lt;', '&lt;'],
  ])('%j -> %j', (text, expected) => {
    expect(decodeXmlText(text)).toBe(expected);
  });
});
