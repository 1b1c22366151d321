import type { Response } from 'express';
import { XMLBuilder } from 'fast-xml-parser';

export type Open311Format = 'xml' | 'json';

// GeoReport v2, "Format Support": XML is required, JSON optional; both served as UTF-8.
export const CONTENT_TYPES: Record<Open311Format, string> = {
  xml: 'text/xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

/** A repeated element: `<services><service/>…</services>` in XML, an array in JSON (the Spark convention). */
export class Open311List {
  constructor(
    readonly item: string,
    readonly items: readonly Open311Node[],
  ) {}
}

/** An element's content: text, a list, or child elements in the order the specification gives them. */
export type Open311Node = string | number | boolean | null | Open311List | { readonly [element: string]: Open311Node };

export const list = (item: string, items: readonly Open311Node[]): Open311List => new Open311List(item, items);

export interface Open311Document {
  root: string;
  body: Open311Node;
}

const builder = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: true, processEntities: true });

type XmlValue = string | XmlValue[] | { [element: string]: XmlValue };

// Empty elements stand for null (`<account_id/>`), as in the specification's examples.
function toXml(node: Open311Node): XmlValue {
  if (node === null) return '';
  if (typeof node === 'boolean' || typeof node === 'number') return String(node);
  if (typeof node === 'string') return node;
  if (node instanceof Open311List) return { [node.item]: node.items.map(toXml) };
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, toXml(v)]));
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

function toJson(node: Open311Node): JsonValue {
  if (node === null || typeof node !== 'object') return node;
  if (node instanceof Open311List) return node.items.map(toJson);
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, toJson(v)]));
}

/** The document as the format asks: XML with its declaration, or JSON mapped from the same tree. */
export function serialise(format: Open311Format, doc: Open311Document): string {
  if (format === 'json') return JSON.stringify(toJson(doc.body));
  return `<?xml version="1.0" encoding="utf-8"?>\n${builder.build({ [doc.root]: toXml(doc.body) })}`;
}

export function send(res: Response, format: Open311Format, status: number, doc: Open311Document): void {
  res.status(status).setHeader('Content-Type', CONTENT_TYPES[format]);
  res.end(serialise(format, doc));
}

/**
 * The format a path asks for: `.json` is JSON; `.xml`, no suffix or any other suffix is XML, the
 * format every GeoReport v2 client reads (so an error about an unknown format is still legible).
 */
export function formatOf(path: string): Open311Format {
  return path.endsWith('.json') ? 'json' : 'xml';
}

/** `services.xml` → `{ stem: 'services', format: 'xml' }`; undefined for a suffix that is neither format. */
export function splitFormat(name: string): { stem: string; format: Open311Format } | undefined {
  const match = /^(.+)\.(xml|json)$/.exec(name);
  return match ? { stem: match[1], format: match[2] as Open311Format } : undefined;
}

/** The specification's error document: one `<error>` with `code` (the HTTP status) and `description`. */
export const errorDocument = (status: number, description: string): Open311Document => ({
  root: 'errors',
  body: list('error', [{ code: status, description }]),
});
