import type { StatementIssues } from './statement-parse-error.js';
import { lineOfFirst, statementLimits } from './statement-values.js';
import { decodeXmlText } from './xml-reader.js';

/** An OFX element: an aggregate (children) or a leaf (text). */
export interface OfxElement {
  readonly name: string;
  /** 1-based line of its start tag. */
  readonly line: number;
  text: string | null;
  readonly children: OfxElement[];
}

/**
 * One tokenizer for both OFX dialects. OFX 1.x is SGML: aggregates are closed (</STMTTRN>) but leaves usually are
 * not (<TRNAMT>-3.50 ends at the next tag). OFX 2.x is XML: every element is closed. Reading a leaf's text closes
 * the leaf; an explicit close tag right after it (the XML form) is then accepted, so the same tree comes out of
 * both. It refuses DTDs, entity declarations and processing instructions in the body, mismatched close tags
 * (naming both lines), text outside a leaf and nesting deeper than 32, and keeps each element's line for the
 * refusals of the reader.
 */
export function tokenizeOfx(content: string, issues: StatementIssues): OfxElement {
  const declaration = /<!(DOCTYPE|ENTITY)/i.exec(content);
  if (declaration !== null) {
    issues.fail(lineOfFirst(content, /<!(DOCTYPE|ENTITY)/i), `the file contains a <!${declaration[1]?.toUpperCase()}> declaration; DTDs and entities are refused in statement files`);
  }
  const start = /<OFX>/i.exec(content);
  if (start === null) issues.fail(null, 'not an OFX file: it has no <OFX> element');

  let line = 1;
  let counted = 0;
  const lineAt = (offset: number): number => {
    for (let at = content.indexOf('\n', counted); at !== -1 && at < offset; at = content.indexOf('\n', at + 1)) line += 1;
    counted = Math.max(counted, offset);
    return line;
  };

  const root: OfxElement = { name: '', line: 1, text: null, children: [] };
  const stack: OfxElement[] = [root];
  let closedLeaf: string | null = null;
  let position = start.index;
  while (position < content.length) {
    const open = content.indexOf('<', position);
    const textEnd = open === -1 ? content.length : open;
    const text = content.slice(position, textEnd).trim();
    if (text !== '') {
      const top = stack[stack.length - 1] as OfxElement;
      if (top === root) issues.fail(lineAt(position), `text ${JSON.stringify(text.slice(0, 40))} outside the <OFX> element`);
      if (top.children.length > 0) issues.fail(lineAt(position), `<${top.name}> (line ${top.line}) holds both elements and text ${JSON.stringify(text.slice(0, 40))}`);
      top.text = decodeXmlText(text);
      stack.pop();
      closedLeaf = top.name;
    }
    if (open === -1) break;
    if (content.startsWith('<!--', open)) {
      const end = content.indexOf('-->', open + 4);
      if (end === -1) issues.fail(lineAt(open), 'a comment is never closed');
      position = end + 3;
      continue;
    }
    const close = content.indexOf('>', open);
    if (close === -1) issues.fail(lineAt(open), 'a tag is never closed (no ">")');
    const tag = content.slice(open + 1, close).trim();
    const parts = /^(\/?)([A-Za-z][A-Za-z0-9._]{0,63})(\/?)$/.exec(tag);
    if (parts === null) issues.fail(lineAt(open), `malformed or unsupported markup <${tag.slice(0, 40)}>`);
    const name = (parts[2] as string).toUpperCase();
    const top = stack[stack.length - 1] as OfxElement;
    if (parts[1] === '/') {
      if (top !== root && top.name === name) {
        stack.pop();
      } else if (closedLeaf !== name) {
        const expected = top === root ? 'no open element' : `the open <${top.name}> (line ${top.line})`;
        issues.fail(lineAt(open), `closing tag </${name}> does not match ${expected}`);
      }
      closedLeaf = null;
    } else {
      if (top === root && root.children.length > 0) issues.fail(lineAt(open), `<${name}> after the end of the <OFX> element`);
      const element: OfxElement = { name, line: lineAt(open), text: parts[3] === '/' ? '' : null, children: [] };
      top.children.push(element);
      if (parts[3] !== '/') stack.push(element);
      if (stack.length - 1 > statementLimits.xmlDepthMax) issues.fail(element.line, `elements are nested deeper than ${statementLimits.xmlDepthMax}`);
      closedLeaf = null;
    }
    position = close + 1;
  }
  if (stack.length > 1) {
    const unclosed = stack[stack.length - 1] as OfxElement;
    issues.fail(unclosed.line, `<${unclosed.name}> is never closed`);
  }
  const ofx = root.children[0];
  if (ofx === undefined) return issues.fail(null, 'not an OFX file: it has no <OFX> element');
  return ofx;
}

/** The first child named `name`, or null. */
export function childOf(element: OfxElement | null | undefined, name: string): OfxElement | null {
  return element?.children.find((child) => child.name === name) ?? null;
}

/** The text of the leaf child named `name`, or null. */
export function leafText(element: OfxElement | null | undefined, name: string): string | null {
  return childOf(element, name)?.text ?? null;
}

/** Every element named `name` below `element`, depth first, in document order. */
export function descendantsOf(element: OfxElement, name: string): OfxElement[] {
  const found: OfxElement[] = [];
  const walk = (node: OfxElement): void => {
    for (const child of node.children) {
      if (child.name === name) found.push(child);
      else walk(child);
    }
  };
  walk(element);
  return found;
}
