import { randomBytes } from 'node:crypto';
import { checkDigit } from '@civgrid/testing';

// Ledger rows for the population benches: unique valid ID numbers from a counter, three residents a household.
const BASE = Date.UTC(1940, 0, 1);

/** The i-th person of the run (i < 30,000,000): a birth date per thousand, a sequence within it. */
export function nationalIdOf(i: number, region = 370911): string {
  const birth = new Date(BASE + Math.floor(i / 1000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const first17 = `${region}${birth}${String(i % 1000).padStart(3, '0')}`;
  return first17 + checkDigit(first17);
}

export const LEDGER_HEADER = 'household_number,registration_type,address,house_number,building,road,name,national_id,phone,relation';
const RELATIONS = ['户主', '配偶', '子'];

/** Rows `from`..`from + n` of a village ledger, as CSV lines without the header. */
export function ledgerLines(run: string, from: number, n: number): string[] {
  const lines: string[] = [];
  for (let i = from; i < from + n; i++) {
    const household = Math.floor(i / 3);
    const phone = i % 2 === 0 ? `13${String(800000000 + (i % 100000000)).padStart(9, '0')}` : '';
    lines.push(`${run}-${household},户籍,新庄村${household}号,${household},,,村民${i},${nationalIdOf(i)},${phone},${RELATIONS[i % 3]}`);
  }
  return lines;
}

/** Bytes shaped like the registry's stored values: AES-GCM envelope (1 + 12 + 16 + n) and a 32-byte HMAC. */
export const cipherLike = (plainLength: number): Buffer => randomBytes(29 + plainLength);
export const hashLike = (): Buffer => randomBytes(32);
