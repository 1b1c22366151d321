import fc from 'fast-check';
import { checkDigitOf, parseNationalId } from './national-id';

const today = new Date('2026-11-24T00:00:00Z');

// A valid ID: region, a real past birth date, a sequence, and its check digit.
const validId = fc
  .tuple(
    fc.integer({ min: 110000, max: 659999 }),
    fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2026-11-23T00:00:00Z'), noInvalidDate: true }),
    fc.integer({ min: 0, max: 999 }),
  )
  .map(([region, birth, seq]) => {
    const first17 = `${region}${birth.toISOString().slice(0, 10).replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
    return first17 + checkDigitOf(first17);
  });

describe('GB 11643 national ID', () => {
  it('accepts the standard example and derives birth date and sex', () => {
    expect(parseNationalId('11010519491231002X', today)).toEqual({ value: '11010519491231002X', birthDate: '1949-12-31', sex: 'FEMALE' });
    expect(parseNationalId(' 11010519491231002x ', today)).toMatchObject({ value: '11010519491231002X' });
  });

  it('accepts every valid generated ID', () => {
    fc.assert(
      fc.property(validId, (id) => {
        const parsed = parseNationalId(id, today);
        return typeof parsed === 'object' && parsed.value === id && parsed.sex === (Number(id[16]) % 2 ? 'MALE' : 'FEMALE');
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses every single-character change', () => {
    fc.assert(
      fc.property(validId, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 1, max: 10 }), (id, at, delta) => {
        const alphabet = at === 17 ? '0123456789X' : '0123456789';
        const current = alphabet.indexOf(id[at]);
        const changed = alphabet[(current + delta) % alphabet.length];
        if (changed === id[at]) return true;
        const parsed = parseNationalId(id.slice(0, at) + changed + id.slice(at + 1), today);
        return typeof parsed === 'string';
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses every adjacent swap of different characters', () => {
    fc.assert(
      fc.property(validId, fc.integer({ min: 0, max: 16 }), (id, at) => {
        if (id[at] === id[at + 1]) return true;
        const swapped = id.slice(0, at) + id[at + 1] + id[at] + id.slice(at + 2);
        return typeof parseNationalId(swapped, today) === 'string';
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses impossible and future birth dates, and bad formats', () => {
    const withCheck = (first17: string) => first17 + checkDigitOf(first17);
    expect(parseNationalId(withCheck('11010519490230002'), today)).toBe('BIRTH_DATE');
    expect(parseNationalId(withCheck('11010520300101002'), today)).toBe('BIRTH_DATE');
    expect(parseNationalId('1101051949123100', today)).toBe('FORMAT');
    expect(parseNationalId('11010519491231002Y', today)).toBe('FORMAT');
  });
});
