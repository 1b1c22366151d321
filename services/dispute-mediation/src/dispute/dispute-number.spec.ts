import { disputeNumber } from './dispute-number';

describe('disputeNumber', () => {
  it('pads the sequence to six digits after the year', () => {
    expect(disputeNumber(42, new Date('2025-06-01T08:00:00Z'))).toBe('TJ-2025-000042');
    expect(disputeNumber(999_999, new Date('2025-06-01T08:00:00Z'))).toBe('TJ-2025-999999');
  });

  it('takes the year in China: 31 December 16:30 UTC is already the new year', () => {
    expect(disputeNumber(7, new Date('2025-12-31T16:30:00Z'))).toBe('TJ-2026-000007');
    expect(disputeNumber(7, new Date('2025-12-31T15:59:59Z'))).toBe('TJ-2025-000007');
  });

  it('refuses a sequence value that would not fit six digits', () => {
    expect(() => disputeNumber(1_000_000, new Date())).toThrow(RangeError);
    expect(() => disputeNumber(0, new Date())).toThrow(RangeError);
  });
});
