import { parse } from 'csv-parse/sync';
import { PHONE_PATTERN } from '@civgrid/pii';
import { RegistrationType } from '@civgrid/contracts';
import { parseNationalId } from '../resident/national-id';
import { normalisePhone } from '../resident/resident.service';

/** The ledger's columns, as exported; a village's own Chinese headings are accepted too. */
export const LEDGER_COLUMNS = [
  'household_number',
  'registration_type',
  'address',
  'house_number',
  'building',
  'road',
  'name',
  'national_id',
  'phone',
  'relation',
] as const;
export type LedgerColumn = (typeof LEDGER_COLUMNS)[number];

const ALIASES: Record<string, LedgerColumn> = {
  户号: 'household_number',
  户籍类型: 'registration_type',
  地址: 'address',
  门牌号: 'house_number',
  楼栋: 'building',
  道路: 'road',
  姓名: 'name',
  身份证号: 'national_id',
  电话: 'phone',
  与户主关系: 'relation',
};

const REQUIRED: LedgerColumn[] = ['household_number', 'registration_type', 'address', 'name', 'national_id', 'relation'];

const REGISTRATION: Record<string, RegistrationType> = {
  PERMANENT: 'PERMANENT',
  户籍: 'PERMANENT',
  RESIDENT_NOT_REGISTERED: 'RESIDENT_NOT_REGISTERED',
  常住: 'RESIDENT_NOT_REGISTERED',
  FLOATING: 'FLOATING',
  流动: 'FLOATING',
};

export interface LedgerRow {
  line: number;
  householdNumber: string;
  registrationType: RegistrationType;
  address: string;
  houseNumber: string | null;
  building: string | null;
  road: string | null;
  name: string;
  nationalId: string;
  birthDate: string;
  sex: 'MALE' | 'FEMALE';
  phone: string | null;
  relation: string;
}

/** A refused row: its line in the file and why, never the values themselves (the report is shown and logged). */
export interface Rejection {
  line: number;
  reason: string;
}

export class LedgerFormatError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const fits = (value: string, max: number): boolean => value.length >= 1 && value.length <= max;

/** Parses and checks every row on its own; rules that need the whole file or the database come later. */
export function readLedger(csv: string, today: Date): { rows: LedgerRow[]; rejected: Rejection[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(csv, {
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new LedgerFormatError('CSV_MALFORMED', `The file is not valid CSV${line ? ` (near line ${line})` : ''}.`);
  }
  const [header, ...body] = records;
  if (!header) throw new LedgerFormatError('CSV_EMPTY', 'The file has no header row.');
  const columns = header.record.map(
    (h) => ALIASES[h] ?? (LEDGER_COLUMNS.includes(h.toLowerCase() as LedgerColumn) ? (h.toLowerCase() as LedgerColumn) : null),
  );
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (missing.length > 0) throw new LedgerFormatError('CSV_COLUMNS_MISSING', `The header lacks ${missing.join(', ')}.`);

  const rows: LedgerRow[] = [];
  const rejected: Rejection[] = [];
  for (const { record, info } of body) {
    const line = info.lines;
    if (record.length !== header.record.length) {
      rejected.push({ line, reason: `expected ${header.record.length} fields, found ${record.length}` });
      continue;
    }
    const get = (c: LedgerColumn): string => {
      const i = columns.indexOf(c);
      return i < 0 ? '' : record[i];
    };
    const problem = (): string | LedgerRow => {
      const householdNumber = get('household_number');
      if (!/^[A-Za-z0-9-]{1,40}$/.test(householdNumber)) return 'household_number: 1–40 letters, digits or dashes';
      const registrationType = REGISTRATION[get('registration_type').toUpperCase()] ?? REGISTRATION[get('registration_type')];
      if (!registrationType) return 'registration_type: PERMANENT (户籍), RESIDENT_NOT_REGISTERED (常住) or FLOATING (流动)';
      const address = get('address');
      if (!fits(address, 300)) return 'address: 1–300 characters';
      const name = get('name');
      if (!fits(name, 100)) return 'name: 1–100 characters';
      const relation = get('relation');
      if (!fits(relation, 40)) return 'relation: 1–40 characters';
      const id = parseNationalId(get('national_id'), today);
      if (id === 'FORMAT') return 'national_id: 17 digits and a check digit or X';
      if (id === 'CHECK_DIGIT') return 'national_id: wrong check digit';
      if (id === 'BIRTH_DATE') return 'national_id: impossible or future birth date';
      const rawPhone = get('phone');
      const phone = rawPhone === '' ? null : normalisePhone(rawPhone);
      if (phone !== null && !PHONE_PATTERN.test(phone)) return 'phone: a mainland mobile or a landline with area code';
      const optional = (c: LedgerColumn, max: number): string | null | false => {
        const v = get(c);
        return v === '' ? null : fits(v, max) ? v : false;
      };
      const houseNumber = optional('house_number', 50);
      const building = optional('building', 100);
      const road = optional('road', 200);
      if (houseNumber === false) return 'house_number: at most 50 characters';
      if (building === false) return 'building: at most 100 characters';
      if (road === false) return 'road: at most 200 characters';
      return {
        line,
        householdNumber,
        registrationType,
        address,
        houseNumber,
        building,
        road,
        name,
        nationalId: id.value,
        birthDate: id.birthDate,
        sex: id.sex,
        phone,
        relation,
      };
    };
    const result = problem();
    if (typeof result === 'string') rejected.push({ line, reason: result });
    else rows.push(result);
  }
  return { rows, rejected };
}

/** Rules across rows: one person once, and one household at one address. */
export function crossCheck(rows: readonly LedgerRow[]): { rows: LedgerRow[]; rejected: Rejection[] } {
  const firstById = new Map<string, number>();
  const addressOf = new Map<string, LedgerRow>();
  const ok: LedgerRow[] = [];
  const rejected: Rejection[] = [];
  for (const row of rows) {
    const seen = firstById.get(row.nationalId);
    if (seen !== undefined) {
      rejected.push({ line: row.line, reason: `national_id: the same person as on line ${seen}` });
      continue;
    }
    const household = addressOf.get(row.householdNumber);
    if (household && (household.address !== row.address || household.registrationType !== row.registrationType)) {
      rejected.push({
        line: row.line,
        reason: `household_number: line ${household.line} gives this household another address or registration type`,
      });
      continue;
    }
    firstById.set(row.nationalId, row.line);
    if (!household) addressOf.set(row.householdNumber, row);
    ok.push(row);
  }
  return { rows: ok, rejected };
}
