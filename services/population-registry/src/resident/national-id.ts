// GB 11643-1999: 6-digit region, 8-digit birth date, 3-digit sequence (odd = male), MOD 11-2 check.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export type NationalIdProblem = 'FORMAT' | 'CHECK_DIGIT' | 'BIRTH_DATE';

export interface NationalId {
  /** Upper-case X: one spelling per person, so the lookup hash finds them. */
  value: string;
  birthDate: string;
  sex: 'MALE' | 'FEMALE';
}

export const checkDigitOf = (first17: string): string => {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
};

/** The ID with its derived birth date and sex, or what is wrong with it (never the ID itself). */
export function parseNationalId(raw: string, today: Date): NationalId | NationalIdProblem {
  const value = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(value)) return 'FORMAT';
  if (checkDigitOf(value.slice(0, 17)) !== value[17]) return 'CHECK_DIGIT';
  const [y, m, d] = [Number(value.slice(6, 10)), Number(value.slice(10, 12)), Number(value.slice(12, 14))];
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1890 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d || birth.getTime() > today.getTime()) return 'BIRTH_DATE';
  return {
    value,
    birthDate: value.slice(6, 10) + '-' + value.slice(10, 12) + '-' + value.slice(12, 14),
    sex: Number(value[16]) % 2 === 1 ? 'MALE' : 'FEMALE',
  };
}
