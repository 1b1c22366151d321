import fc from 'fast-check';
import { DomainError } from '@civgrid/errors';
import { errorDocument, list, serialise } from './open311.format';
import { dateRange, Open311Params, parseW3cDateTime, w3c } from './open311.params';

const reasonOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof DomainError ? error.reason : String(error);
  }
};

const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

describe('W3C date-times', () => {
  it('reads every instant written with any offset back as the same instant', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2999-12-31T23:59:59Z'), noInvalidDate: true }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (date, offset) => {
          const instant = new Date(Math.floor(date.getTime() / 1000) * 1000);
          const local = new Date(instant.getTime() + offset * 60_000);
          const zone = offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
          const text = `${local.toISOString().slice(0, 19)}${zone}`;
          expect(parseW3cDateTime('start_date', text).getTime()).toBe(instant.getTime());
        },
      ),
    );
  });

  it('refuses anything else with a 400 that names the parameter: bare dates, no zone, days not on the calendar', () => {
    for (const bad of [
      '2026-12-01',
      '2026-12-01T08:00',
      '2026-12-01T08:00:00',
      '2026-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-12-01T24:00:00Z',
      '2026-12-01T08:00:00+0800',
      '2026-12-01T08:00:00+15:00',
      ' 2026-12-01T08:00:00Z',
    ])
      expect(reasonOf(() => parseW3cDateTime('end_date', bad))).toBe('OPEN311_DATE_INVALID');
    expect(parseW3cDateTime('end_date', '2028-02-29T23:59:59.5-05:00').toISOString()).toBe('2028-03-01T04:59:59.500Z');
  });

  it('never throws anything but its own 400 on arbitrary text, and what it accepts is a real instant', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const reason = reasonOf(() => parseW3cDateTime('start_date', text));
        if (reason !== undefined) expect(reason).toBe('OPEN311_DATE_INVALID');
        else expect(Number.isNaN(parseW3cDateTime('start_date', text).getTime())).toBe(false);
      }),
    );
  });

  it('writes dates as the specification does: seconds and Z', () => {
    expect(w3c(new Date('2026-05-01T08:15:30.789Z'))).toBe('2026-05-01T08:15:30Z');
  });
});

describe('parameters', () => {
  it('refuses any name given twice, in the query, the body or across both', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z_]{1,12}$/), fc.string(), fc.string(), (name, a, b) => {
        expect(
          reasonOf(() =>
            Open311Params.fromQuery(
              new URLSearchParams([
                [name, a],
                [name, b],
              ]).toString(),
            ).get(name),
          ),
        ).toBe('OPEN311_PARAMETER_REPEATED');
        expect(
          reasonOf(() =>
            Open311Params.fromQuery(new URLSearchParams([[name, a]]).toString())
              .withBody({ [name]: b })
              .get(name),
          ),
        ).toBe('OPEN311_PARAMETER_REPEATED');
      }),
    );
  });

  it('reads a form as qs parsed it: nested attributes, repeated values, empty as absent', () => {
    const params = new Open311Params([]).withBody({ attribute: { grid_id: ' g1 ' }, description: ['a', 'b'], lat: 36.1, email: '' });
    expect(params.attributes().get('grid_id')).toBe('g1');
    expect(params.get('lat')).toBe('36.1');
    expect(params.get('email')).toBeUndefined();
    expect(reasonOf(() => params.get('description'))).toBe('OPEN311_PARAMETER_REPEATED');
    expect(Open311Params.fromQuery('status=open,closed,open').list('status')).toEqual(['open', 'closed']);
    expect(reasonOf(() => Open311Params.fromQuery('service_code=%01').get('service_code'))).toBe('OPEN311_FIELD_MALFORMED');
  });

  it('takes a window of at most 90 days, the most recent by default', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const range = (q: string) => dateRange(Open311Params.fromQuery(q), now, 90);
    expect(range('')).toEqual({ from: new Date('2026-03-03T00:00:00Z'), to: now });
    expect(range('end_date=2026-05-01T00:00:00Z').from).toEqual(new Date('2026-01-31T00:00:00Z'));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 * 24 * 60 }), (minutes) => {
        const q = `start_date=2026-01-01T00:00:00Z&end_date=${encodeURIComponent(w3c(new Date(Date.UTC(2026, 0, 1) + minutes * 60_000)))}`;
        const reason = reasonOf(() => range(q));
        expect(reason).toBe(minutes > 90 * 24 * 60 ? 'OPEN311_DATE_RANGE_TOO_LONG' : undefined);
      }),
    );
  });
});

describe('documents', () => {
  it('writes the same tree as XML in the given element order and as JSON by the Spark convention', () => {
    const doc = {
      root: 'service_requests',
      body: list('request', [{ service_request_id: 'DY-2026-000001', service_notice: null, account_id: null }]),
    };
    expect(serialise('xml', doc)).toBe(
      '<?xml version="1.0" encoding="utf-8"?>\n<service_requests>\n  <request>\n    <service_request_id>DY-2026-000001</service_request_id>\n    <service_notice/>\n    <account_id/>\n  </request>\n</service_requests>\n',
    );
    expect(JSON.parse(serialise('json', doc))).toEqual([{ service_request_id: 'DY-2026-000001', service_notice: null, account_id: null }]);
    expect(serialise('xml', errorDocument(400, 'a < b & "c"'))).toContain('<description>a &lt; b &amp; &quot;c&quot;</description>');
  });
});
