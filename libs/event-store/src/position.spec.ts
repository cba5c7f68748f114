import { describe, expect, it } from '@jest/globals';
import { InvalidPositionError } from './event-store.errors.js';
import { comparePositions, decodePosition, encodePosition, maxPosition, START_POSITION } from './position.js';

describe('positions', () => {
  it('compare by commit first, then by prepare', () => {
    expect(comparePositions({ commit: 1n, prepare: 9n }, { commit: 2n, prepare: 1n })).toBe(-1);
    expect(comparePositions({ commit: 2n, prepare: 1n }, { commit: 1n, prepare: 9n })).toBe(1);
    expect(comparePositions({ commit: 2n, prepare: 3n }, { commit: 2n, prepare: 4n })).toBe(-1);
    expect(comparePositions({ commit: 2n, prepare: 3n }, { commit: 2n, prepare: 3n })).toBe(0);
    expect(maxPosition({ commit: 2n, prepare: 3n }, { commit: 1n, prepare: 30n })).toEqual({ commit: 2n, prepare: 3n });
  });

  it('round-trip through a cursor string, up to the largest unsigned 64-bit values', () => {
    const largest = (1n << 64n) - 1n;
    for (const position of [START_POSITION, { commit: 1000n, prepare: 999n }, { commit: largest, prepare: largest }]) {
      const cursor = encodePosition(position);
      expect(cursor).toBe(`${position.commit}.${position.prepare}`);
      expect(decodePosition(cursor)).toEqual(position);
    }
  });

  it('reject cursors that are not two unsigned decimal integers within 64 bits', () => {
    const garbage = ['', 'garbage', '12', '1.2.3', '.1', '1.', '-1.0', '1.-2', '01.2', '1.02', ' 1.2', '1.2 ', '1e3.0', '0x1.0', '1,2', '18446744073709551616.0', '0.18446744073709551616', '123456789012345678901.0'];
    for (const cursor of garbage) {
      expect(() => decodePosition(cursor)).toThrow(InvalidPositionError);
    }
  });

  it('name the rejected cursor and a stable code', () => {
    const error = ((): unknown => {
      try {
        return decodePosition('nope');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(InvalidPositionError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', cursor: 'nope' });
  });
});
