import { describe, expect, it } from '@jest/globals';
import { messageIdFor, requireMessageReference } from './mail-message.js';

describe('messageIdFor', () => {
  it('is derived from the email id and the sender domain alone', () => {
    const id = '0b7f0f4e-5d0a-5c43-9d5e-6a3b2f1e0c9d';
    expect(messageIdFor(id, 'billing@fibre.example')).toBe(`<email-${id}@fibre.example>`);
    expect(messageIdFor(id, 'billing@fibre.example')).toBe(messageIdFor(id, 'other@fibre.example'));
  });

  it('refuses a reference that could leave its folder or break a header', () => {
    for (const bad of ['../etc/passwd', 'a/b', '', 'a b', 'x>y', '.hidden']) expect(() => requireMessageReference(bad)).toThrow(/a message reference is/);
    expect(requireMessageReference('email-1.v2_x')).toBe('email-1.v2_x');
  });
});
