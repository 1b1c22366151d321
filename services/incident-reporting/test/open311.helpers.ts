import { DOMParser, Element, onWarningStopParsing } from '@xmldom/xmldom';
import { dataOf, gql } from '@civgrid/testing';
import { TestService } from '@civgrid/service-testing';

// What a GeoReport v2 client needs, written from the specification (http://wiki.open311.org/GeoReport_v2)
// and mySociety's servicerequestupdates extension, not from the facade: element names in their order.
export const SPEC = {
  service: ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'],
  serviceDefinition: ['service_code', 'attributes'],
  attribute: ['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description', 'values'],
  value: ['key', 'name'],
  request: [
    'service_request_id',
    'status',
    'status_notes',
    'service_name',
    'service_code',
    'description',
    'agency_responsible',
    'service_notice',
    'requested_datetime',
    'updated_datetime',
    'expected_datetime',
    'address',
    'address_id',
    'zipcode',
    'lat',
    'long',
    'media_url',
  ],
  // POST Service Request: service_request_id (no token with it), service_notice and account_id "may not be returned".
  created: ['service_request_id', 'service_notice', 'account_id'],
  error: ['code', 'description'],
  discovery: ['changeset', 'contact', 'key_service', 'endpoints'],
  endpoint: ['specification', 'url', 'changeset', 'type', 'formats'],
  requestUpdate: ['update_id', 'service_request_id', 'status', 'updated_datetime', 'description', 'media_url'],
} as const;

export const DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'];
// "formatted in a common subset of ISO 8601 as per the w3 note. Timezone information … must be included."
export const W3C_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
export const DECIMAL = /^-?\d+(\.\d+)?$/;

export interface HttpAnswer {
  status: number;
  contentType: string;
  headers: Headers;
  text: string;
}

export async function call(url: string, init?: RequestInit): Promise<HttpAnswer> {
  const res = await fetch(url, init);
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', headers: res.headers, text: await res.text() };
}

export const form = (fields: Record<string, string> | [string, string][]): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  body: new URLSearchParams(fields).toString(),
});

/** A strict XML parser: any warning or error fails the test, as it would fail a client. */
export function parseXml(text: string): Element {
  if (!/^<\?xml version="1\.0" encoding="utf-8"\?>/i.test(text))
    throw new Error(`no XML declaration with encoding="utf-8": ${text.slice(0, 60)}`);
  const doc = new DOMParser({ onError: onWarningStopParsing }).parseFromString(text, 'text/xml');
  if (!doc.documentElement) throw new Error('no root element');
  return doc.documentElement;
}

export const elements = (el: Element): Element[] => Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1);
export const names = (el: Element): string[] => elements(el).map((e) => e.tagName);
export const child = (el: Element, name: string): Element => {
  const found = elements(el).filter((e) => e.tagName === name);
  if (found.length !== 1) throw new Error(`<${el.tagName}> has ${found.length} <${name}>`);
  return found[0];
};
/** The text of a leaf element (an element with children has none). */
export const text = (el: Element, name: string): string => {
  const c = child(el, name);
  if (elements(c).length > 0) throw new Error(`<${name}> is not a leaf`);
  return c.textContent ?? '';
};

export type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/**
 * The Spark convention (wiki.open311.org/JSON_and_XML_Conversion) done independently of the
 * facade: an element whose children are all one repeated name becomes an array, other elements
 * objects, leaves their text ('' for empty). JSON answers are compared after `normalise`.
 */
export function spark(el: Element, listNames: ReadonlySet<string>): Json {
  const kids = elements(el);
  if (listNames.has(el.tagName)) return kids.map((k) => spark(k, listNames));
  if (kids.length === 0) return el.textContent ?? '';
  return Object.fromEntries(kids.map((k) => [k.tagName, spark(k, listNames)]));
}

/** JSON values as XML would carry them: null → '', numbers and booleans → their text. */
export function normalise(value: Json): Json {
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  return value;
}

export const LISTS = new Set([
  'services',
  'attributes',
  'values',
  'service_requests',
  'errors',
  'endpoints',
  'formats',
  'service_request_updates',
]);

export interface IssuedKey {
  key: string;
  apiKey: { id: string; prefix: string; clientName: string; revokedAt: string | null };
}

export async function issueKey(svc: TestService, adminToken: string, input: Record<string, unknown>): Promise<IssuedKey> {
  return dataOf(
    await gql<{ issueOpen311ApiKey: IssuedKey }>(
      svc.url,
      `mutation($input: IssueOpen311ApiKeyInput!) { issueOpen311ApiKey(input: $input) { key apiKey { id prefix clientName revokedAt } } }`,
      { input: { clientName: 'Test client', ...input } },
      adminToken,
    ),
  ).issueOpen311ApiKey;
}

/** Asserts the specification's error document in the format asked for, and returns its description. */
export function specError(answer: HttpAnswer, format: 'xml' | 'json', status: number): string {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${answer.text}`);
  if (format === 'xml') {
    if (!answer.contentType.startsWith('text/xml')) throw new Error(`error served as ${answer.contentType}`);
    const root = parseXml(answer.text);
    const errors = elements(root);
    if (root.tagName !== 'errors' || errors.length < 1 || errors.some((e) => e.tagName !== 'error')) throw new Error(answer.text);
    for (const e of errors) {
      if (names(e).join() !== SPEC.error.join()) throw new Error(answer.text);
      if (text(e, 'code') !== String(status)) throw new Error(answer.text);
    }
    return text(errors[0], 'description');
  }
  if (!answer.contentType.startsWith('application/json')) throw new Error(`error served as ${answer.contentType}`);
  const body = JSON.parse(answer.text) as { code: unknown; description: unknown }[];
  if (!Array.isArray(body) || body.length < 1) throw new Error(answer.text);
  for (const e of body) {
    if (Object.keys(e).join() !== SPEC.error.join() || e.code !== status || typeof e.description !== 'string') throw new Error(answer.text);
  }
  return body[0].description as string;
}
