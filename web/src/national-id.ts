// GB 11643-1999 on the form, before anything is sent: 17 digits, a birth date, a MOD 11-2 check.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export type NationalIdProblem = 'FORMAT' | 'CHECK_DIGIT' | 'BIRTH_DATE';

export const checkDigitOf = (first17: string): string => CHECK[[...first17].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0) % 11];

export function nationalIdProblem(raw: string, today = new Date()): NationalIdProblem | null {
  const value = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(value)) return 'FORMAT';
  if (checkDigitOf(value.slice(0, 17)) !== value[17]) return 'CHECK_DIGIT';
  const [y, m, d] = [Number(value.slice(6, 10)), Number(value.slice(10, 12)), Number(value.slice(12, 14))];
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1890 || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d || birth.getTime() > today.getTime()) return 'BIRTH_DATE';
  return null;
}
