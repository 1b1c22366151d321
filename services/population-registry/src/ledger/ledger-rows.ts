import { Readable } from 'node:stream';
import { CsvError, parse as parseStream } from 'csv-parse';
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

const CSV_OPTIONS = { info: true, relax_column_count: true, skip_empty_lines: true, trim: true, bom: true } as const;

const malformed = (line: number | undefined) =>
  new LedgerFormatError('CSV_MALFORMED', `The file is not valid CSV${line ? ` (near line ${line})` : ''}.`);

/**
 * The per-row rules of a ledger, fed one record at a time (so a file of any size streams through):
 * the header first, then each row is either a checked row or a rejection. Rules that need the whole
 * file or the database (the same person twice, a household's address, people already registered)
 * run afterwards in SQL over every accepted row at once.
 */
export class LedgerRowReader {
  private columns: (LedgerColumn | null)[] | undefined;
  private width = 0;

  constructor(private readonly today: Date) {}

  get hasHeader(): boolean {
    return this.columns !== undefined;
  }

  header(record: string[]): void {
    const columns = record.map(
      (h) => ALIASES[h] ?? (LEDGER_COLUMNS.includes(h.toLowerCase() as LedgerColumn) ? (h.toLowerCase() as LedgerColumn) : null),
    );
    const missing = REQUIRED.filter((c) => !columns.includes(c));
    if (missing.length > 0) throw new LedgerFormatError('CSV_COLUMNS_MISSING', `The header lacks ${missing.join(', ')}.`);
    this.columns = columns;
    this.width = record.length;
  }

  row(record: string[], line: number): LedgerRow | Rejection {
    const columns = this.columns;
    if (!columns) throw new LedgerFormatError('CSV_EMPTY', 'The file has no header row.');
    if (record.length !== this.width) return { line, reason: `expected ${this.width} fields, found ${record.length}` };
    const get = (c: LedgerColumn): string => {
      const i = columns.indexOf(c);
      return i < 0 ? '' : record[i];
    };
    const refuse = (reason: string): Rejection => ({ line, reason });
    const householdNumber = get('household_number');
    if (!/^[A-Za-z0-9-]{1,40}$/.test(householdNumber)) return refuse('household_number: 1–40 letters, digits or dashes');
    const registrationType = REGISTRATION[get('registration_type').toUpperCase()] ?? REGISTRATION[get('registration_type')];
    if (!registrationType) return refuse('registration_type: PERMANENT (户籍), RESIDENT_NOT_REGISTERED (常住) or FLOATING (流动)');
    const address = get('address');
    if (!fits(address, 300)) return refuse('address: 1–300 characters');
    const name = get('name');
    if (!fits(name, 100)) return refuse('name: 1–100 characters');
    const relation = get('relation');
    if (!fits(relation, 40)) return refuse('relation: 1–40 characters');
    const id = parseNationalId(get('national_id'), this.today);
    if (id === 'FORMAT') return refuse('national_id: 17 digits and a check digit or X');
    if (id === 'CHECK_DIGIT') return refuse('national_id: wrong check digit');
    if (id === 'BIRTH_DATE') return refuse('national_id: impossible or future birth date');
    const rawPhone = get('phone');
    const phone = rawPhone === '' ? null : normalisePhone(rawPhone);
    if (phone !== null && !PHONE_PATTERN.test(phone)) return refuse('phone: a mainland mobile or a landline with area code');
    const optional = (c: LedgerColumn, max: number): string | null | false => {
      const v = get(c);
      return v === '' ? null : fits(v, max) ? v : false;
    };
    const houseNumber = optional('house_number', 50);
    const building = optional('building', 100);
    const road = optional('road', 200);
    if (houseNumber === false) return refuse('house_number: at most 50 characters');
    if (building === false) return refuse('building: at most 100 characters');
    if (road === false) return refuse('road: at most 200 characters');
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
  }
}

export const isRejection = (r: LedgerRow | Rejection): r is Rejection => 'reason' in r;

/** The records of a CSV byte stream with the line each ends on; broken quoting is a LedgerFormatError. */
export async function* ledgerRecords(source: Readable): AsyncGenerator<{ record: string[]; line: number }> {
  const parser = source.pipe(parseStream(CSV_OPTIONS));
  // A failing source (a dropped upload) fails the parser, and so the import.
  source.once('error', (error) => parser.destroy(error));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { record, line: info.lines };
    }
  } catch (error) {
    if (error instanceof CsvError) throw malformed((error as CsvError & { lines?: number }).lines);
    throw error;
  } finally {
    source.unpipe(parser);
    parser.destroy();
  }
}

/** A whole (small) file at once: the same rules as the stream, for tests and tools. */
export function readLedger(csv: string, today: Date): { rows: LedgerRow[]; rejected: Rejection[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(csv, CSV_OPTIONS) as unknown as typeof records;
  } catch (error) {
    throw malformed((error as { lines?: number }).lines);
  }
  const [header, ...body] = records;
  if (!header) throw new LedgerFormatError('CSV_EMPTY', 'The file has no header row.');
  const reader = new LedgerRowReader(today);
  reader.header(header.record);
  const rows: LedgerRow[] = [];
  const rejected: Rejection[] = [];
  for (const { record, info } of body) {
    const result = reader.row(record, info.lines);
    if (isRejection(result)) rejected.push(result);
    else rows.push(result);
  }
  return { rows, rejected };
}
