import { hasControlCharacters } from '../http/validation';
import { Open311Errors } from './open311.errors';

/**
 * The parameters of one call exactly as the client sent them (name, value), query and body
 * together. GeoReport v2 parameters are single-valued: several values go comma-separated, so a
 * name given twice is refused rather than one of its values silently winning.
 */
export class Open311Params {
  constructor(private readonly entries: readonly (readonly [string, string])[]) {}

  /** From a query string (`?a=1&b=2`), read as the client wrote it. */
  static fromQuery(search: string): Open311Params {
    return new Open311Params([...new URLSearchParams(search)]);
  }

  /** Adds a parsed body (form or JSON, nested `attribute[code]` objects included) to these. */
  withBody(body: unknown): Open311Params {
    const more: [string, string][] = [];
    flatten(body, '', more);
    return new Open311Params([...this.entries, ...more]);
  }

  with(entries: readonly (readonly [string, string])[]): Open311Params {
    return new Open311Params([...this.entries, ...entries]);
  }

  /** The one value of `name`, trimmed; undefined when absent or empty (the spec: an empty parameter is no parameter). */
  get(name: string): string | undefined {
    const values = this.entries.filter(([n]) => n === name).map(([, v]) => v);
    if (values.length > 1) throw Open311Errors.repeated(name);
    const value = values[0]?.trim();
    if (value === undefined || value === '') return undefined;
    if (hasControlCharacters(value)) throw Open311Errors.controlCharacter(name);
    return value;
  }

  /** A comma-separated parameter as its distinct values. */
  list(name: string): string[] | undefined {
    const value = this.get(name);
    return value === undefined
      ? undefined
      : [
          ...new Set(
            value
              .split(',')
              .map((v) => v.trim())
              .filter((v) => v !== ''),
          ),
        ];
  }

  /** `attribute[code]` values by code. */
  attributes(): Map<string, string | undefined> {
    const codes = new Set(this.entries.map(([n]) => /^attribute\[([^\]]+)\]$/.exec(n)?.[1]).filter((c): c is string => Boolean(c)));
    return new Map([...codes].map((code) => [code, this.get(`attribute[${code}]`)]));
  }

  /** A W3C date-time of the parameter `name` (with a time zone, as the specification requires). */
  date(name: string): Date | undefined {
    const value = this.get(name);
    return value === undefined ? undefined : parseW3cDateTime(name, value);
  }
}

// Objects become `name[key]`, arrays repeat their name, scalars are their text: what `qs` made of a
// form (`attribute[grid_id]=…`) or a JSON body, back as the parameters the client sent.
function flatten(value: unknown, name: string, out: [string, string][]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const v of value) flatten(v, name, out);
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, name ? `${name}[${k}]` : k, out);
  } else if (name && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
    out.push([name, String(value)]);
  }
}

// W3C date-time (a profile of ISO 8601) with minutes at least and a time zone that is Z or ±hh:mm.
const W3C = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):(\d{2}))$/;

export function parseW3cDateTime(name: string, value: string): Date {
  const m = W3C.exec(value);
  if (!m) throw Open311Errors.date(name);
  const [, y, mo, d, h, mi, s = '00', fraction = '', zone, sign, zh = '00', zm = '00'] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number);
  const offsetMinutes = zone === 'Z' ? 0 : (sign === '-' ? -1 : 1) * (Number(zh) * 60 + Number(zm));
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(local);
  // 2026-02-30 or 25:00 roll over in Date.UTC: a date that is not on the calendar is refused.
  if (
    year < 1000 ||
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second ||
    Number(zh) > 14 ||
    Number(zm) > 59
  )
    throw Open311Errors.date(name);
  const ms = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  return new Date(local - offsetMinutes * 60_000 + ms);
}

/** W3C date-time as the specification's examples write it: seconds, UTC as Z. */
export const w3c = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

const DAY = 24 * 3600 * 1000;

/**
 * start_date and end_date of a query: both default to the most recent `maxDays` days, and a
 * range longer than that is refused (the specification's limit), as is one that ends before it starts.
 */
export function dateRange(params: Open311Params, now: Date, maxDays: number): { from: Date; to: Date } {
  const start = params.date('start_date');
  const end = params.date('end_date');
  const to = end ?? (start ? new Date(Math.max(now.getTime(), start.getTime())) : now);
  const from = start ?? new Date(to.getTime() - maxDays * DAY);
  if (from.getTime() > to.getTime()) throw Open311Errors.dateOrder();
  if (to.getTime() - from.getTime() > maxDays * DAY) throw Open311Errors.range(maxDays);
  return { from, to };
}
