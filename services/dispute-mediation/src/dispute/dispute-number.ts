// Case numbers follow the mediation ledgers of the district: the year is the year in China, not in UTC.
export const DISPUTE_NUMBER_TIME_ZONE = 'Asia/Shanghai';

const yearIn = new Intl.DateTimeFormat('en', { timeZone: DISPUTE_NUMBER_TIME_ZONE, year: 'numeric' });

/** `TJ-<year>-<6 digits>` from a value of `dispute_number_seq` (1–999999). */
export function disputeNumber(sequence: number, registeredAt: Date): string {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999_999)
    throw new RangeError(`dispute number sequence ${sequence} out of range`);
  return `TJ-${yearIn.format(registeredAt)}-${String(sequence).padStart(6, '0')}`;
}
