import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Principal } from '@civgrid/auth';
import { badInput } from '@civgrid/errors';
import { Inject } from '@nestjs/common';
import { CONFIG } from '@civgrid/service-kit';
import { IncidentCategory, INCIDENT_CATEGORIES } from '@civgrid/contracts';
import { IncidentReportingConfig } from '../config/config';
import { COLUMNS, IncidentRow, IncidentService, readCondition } from '../incident/incident.service';
import { isOpen } from '../incident/incident.workflow';
import { IncidentCategoryEnum, IncidentPriorityEnum, IncidentSourceEnum } from '../incident/dto/incident.type';
import { PhotoService, PhotoView } from '../photo/photo.service';
import { hasControlCharacters, isUuid } from '../http/validation';
import { Open311Errors } from './open311.errors';

/** GeoReport v2 service list entry. */
export interface Open311ServiceEntry {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
}

export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}

const AGENCY: Record<string, string> = {
  GRID: 'Grid member (网格员)',
  VILLAGE: 'Village or community committee',
  TOWN: 'Town or street office',
  DISTRICT: 'District',
};

const STATUS_NOTES: Record<string, string> = {
  REPORTED: 'Received; waiting to be accepted.',
  ACCEPTED: 'Accepted by the community.',
  IN_PROGRESS: 'Being worked on.',
  RESOLVED: 'Resolved; waiting for the reporter to confirm.',
  CLOSED: 'Resolved and confirmed.',
};

const title = (code: string) => code.charAt(0) + code.slice(1).toLowerCase().replace(/_/g, ' ');

/** `CATEGORY` or `CATEGORY-SUBCATEGORY`: the taxonomy as Open311 service codes. */
export const serviceCodeOf = (category: string, subcategory: string | null) => (subcategory ? `${category}-${subcategory}` : category);

@Injectable()
export class Open311Service {
  constructor(
    private readonly dataSource: DataSource,
    private readonly incidents: IncidentService,
    private readonly photos: PhotoService,
    @Inject(CONFIG) private readonly config: IncidentReportingConfig,
  ) {}

  services(): Open311ServiceEntry[] {
    return [...this.incidents.taxonomy.values()]
      .filter((c) => c.public)
      .flatMap((c) =>
        [
          { code: c.category, name: c.name, sub: null as string | null },
          ...c.subcategories.map((s) => ({ code: serviceCodeOf(c.category, s), name: `${c.name}: ${title(s)}`, sub: s })),
        ].map((s) => ({
          service_code: s.code,
          service_name: s.name,
          description: s.sub ? `${title(s.sub)} (${c.name.toLowerCase()})` : `${c.name}, anything not listed under it`,
          metadata: true,
          type: 'realtime' as const,
          keywords: [c.category, s.sub].filter(Boolean).join(',').toLowerCase(),
          group: c.name,
        })),
      );
  }

  /** Every service takes the grid the request belongs to as an attribute (a grid member with one grid may leave it out). */
  definition(code: string): { service_code: string; attributes: unknown[] } {
    this.parseCode(code);
    return {
      service_code: code,
      attributes: [
        {
          variable: true,
          code: 'grid_id',
          datatype: 'string',
          required: false,
          datatype_description: 'The id of the CivGrid grid where it is (required unless your account looks after exactly one grid).',
          order: 1,
          description: 'Grid',
          values: [],
        },
      ],
    };
  }

  checkJurisdiction(jurisdictionId: string | undefined): void {
    if (jurisdictionId !== undefined && jurisdictionId !== '' && jurisdictionId !== this.config.OPEN311_JURISDICTION_ID)
      throw Open311Errors.jurisdiction(jurisdictionId);
  }

  async create(
    principal: Principal,
    body: Record<string, unknown>,
  ): Promise<{ service_request_id: string; service_notice: string; account_id: null }[]> {
    const field = (name: string): string | undefined => {
      const v = body[name];
      if (typeof v !== 'string' || v.trim() === '') return undefined;
      if (hasControlCharacters(v)) throw Open311Errors.controlCharacter(name);
      return v.trim();
    };
    this.checkJurisdiction(field('jurisdiction_id'));
    const serviceCode = field('service_code');
    if (!serviceCode) throw Open311Errors.missing('service_code');
    const { category, subcategory } = this.parseCode(serviceCode);
    const lat = field('lat');
    const long = field('long');
    const address = field('address_string');
    const addressId = field('address_id');
    if (!(lat && long) && !address && !addressId) throw Open311Errors.noLocation();
    // `attribute[grid_id]` as a form field, or `attribute: { grid_id }` as JSON or a parsed form.
    const attribute = body['attribute'];
    const nested =
      attribute && typeof attribute === 'object' && typeof (attribute as Record<string, unknown>)['grid_id'] === 'string'
        ? (attribute as Record<string, string>)['grid_id'].trim() || undefined
        : undefined;
    const gridId = field('attribute[grid_id]') ?? nested ?? (principal.grids.length === 1 ? principal.grids[0] : undefined);
    if (!gridId) throw Open311Errors.missing('attribute[grid_id]');
    if (!isUuid(gridId)) throw Open311Errors.malformedId('attribute[grid_id]', 'a grid id');
    if (addressId && !isUuid(addressId)) throw Open311Errors.malformedId('address_id', 'a dwelling id of the population registry');
    const description = field('description') ?? '';
    if (description.length > 4000) throw Open311Errors.tooLong('description', 4000);
    if (address && address.length > 300) throw Open311Errors.tooLong('address_string', 300);
    const num = (v: string | undefined, name: string, bound: number): number | undefined => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n) || Math.abs(n) > bound) throw badInput('COORDINATE_INVALID', `${name} must be a number within ±${bound}.`);
      return n;
    };
    const def = this.incidents.taxonomy.get(category)!;
    const incident = await this.incidents.report(principal, {
      gridId,
      title: subcategory ? title(subcategory) : def.name,
      description,
      category: category as IncidentCategoryEnum,
      subcategory: subcategory ?? undefined,
      priority: IncidentPriorityEnum.NORMAL,
      source: IncidentSourceEnum.OPEN311,
      location: {
        addressText: address,
        dwellingId: addressId,
        latitude: lat && long ? num(lat, 'lat', 90) : undefined,
        longitude: lat && long ? num(long, 'long', 180) : undefined,
      },
    });
    return [
      {
        service_request_id: incident.number,
        service_notice: `Expect an answer by ${incident.acceptDueAt?.toISOString() ?? 'soon'}.`,
        account_id: null,
      },
    ];
  }

  /** GET requests: by ids, or a window (default the last 90 days), at most 1000, newest first. */
  async list(principal: Principal, query: Record<string, unknown>): Promise<Open311Request[]> {
    const q = (name: string): string | undefined => {
      const v = query[name];
      if (typeof v !== 'string' || v === '') return undefined;
      if (hasControlCharacters(v)) throw Open311Errors.controlCharacter(name);
      return v;
    };
    this.checkJurisdiction(q('jurisdiction_id'));
    const params: unknown[] = [];
    const where = [readCondition(principal, params)];
    const ids = q('service_request_id');
    if (ids) {
      params.push(ids.split(',').map((s) => s.trim()));
      where.push(`number = ANY($${params.length}::text[])`);
    } else {
      const date = (name: string): Date | undefined => {
        const v = q(name);
        if (v === undefined) return undefined;
        const d = new Date(v);
        if (Number.isNaN(d.getTime())) throw badInput('DATE_INVALID', `${name} must be a W3C date-time.`);
        return d;
      };
      const end = date('end_date') ?? new Date();
      const start = date('start_date') ?? new Date(end.getTime() - 90 * 24 * 3600 * 1000);
      params.push(start, end);
      where.push(`reported_at >= $${params.length - 1} AND reported_at <= $${params.length}`);
      const code = q('service_code');
      if (code) {
        const codes = code.split(',').map((c) => this.parseCode(c.trim()));
        params.push(
          codes.map((c) => c.category),
          codes.map((c) => c.subcategory ?? ''),
        );
        where.push(
          `EXISTS (SELECT 1 FROM unnest($${params.length - 1}::text[], $${params.length}::text[]) AS c (category, sub)
             WHERE c.category = incident.category::text AND (c.sub = '' OR c.sub = incident.subcategory))`,
        );
      }
      const status = q('status');
      if (status) {
        const wanted = status.split(',').map((s) => s.trim());
        if (wanted.some((s) => s !== 'open' && s !== 'closed')) throw badInput('STATUS_INVALID', 'status is open, closed or both.');
        if (!wanted.includes('open')) where.push(`status NOT IN ('REPORTED', 'ACCEPTED', 'IN_PROGRESS')`);
        if (!wanted.includes('closed')) where.push(`status IN ('REPORTED', 'ACCEPTED', 'IN_PROGRESS')`);
      }
    }
    const rows = await this.dataSource.query<IncidentRow[]>(
      `SELECT ${COLUMNS} FROM incident WHERE ${where.join(' AND ')} ORDER BY reported_at DESC, id DESC LIMIT 1000`,
      params,
    );
    return this.toRequests(rows);
  }

  async one(principal: Principal, number: string, query: Record<string, unknown>): Promise<Open311Request[]> {
    const found = await this.list(principal, { ...query, service_request_id: number });
    if (found.length === 0) throw Open311Errors.notFound(number);
    return found;
  }

  private async toRequests(rows: IncidentRow[]): Promise<Open311Request[]> {
    const firstPhotos = rows.map((r) => r.photoIds[0]).filter((id): id is string => Boolean(id));
    const photos = firstPhotos.length ? await this.photos.loadByIds(firstPhotos) : [];
    const urlOf = new Map(photos.filter((p): p is PhotoView => !(p instanceof Error)).map((p) => [p.id, p.url]));
    return rows.map((r) => ({
      service_request_id: r.number,
      status: isOpen(r.status) ? 'open' : 'closed',
      status_notes: r.status === 'REJECTED' ? `Rejected: ${r.rejectionReason ?? ''}` : STATUS_NOTES[r.status],
      service_name: r.subcategory ? title(r.subcategory) : this.incidents.taxonomy.get(r.category)!.name,
      service_code: serviceCodeOf(r.category, r.subcategory),
      description: r.description,
      agency_responsible: AGENCY[r.escalationLevel],
      service_notice: null,
      requested_datetime: r.reportedAt.toISOString(),
      updated_datetime: r.updatedAt.toISOString(),
      expected_datetime: isOpen(r.status) && r.resolveDueAt ? r.resolveDueAt.toISOString() : null,
      address: r.addressText,
      address_id: r.dwellingId,
      zipcode: null,
      lat: r.latitude,
      long: r.longitude,
      media_url: r.photoIds[0] ? (urlOf.get(r.photoIds[0]) ?? null) : null,
    }));
  }

  private parseCode(code: string): { category: IncidentCategory; subcategory: string | null } {
    const [category, subcategory = null, ...rest] = code.split('-');
    const def = (INCIDENT_CATEGORIES as readonly string[]).includes(category)
      ? this.incidents.taxonomy.get(category as IncidentCategory)
      : undefined;
    if (!def || !def.public || rest.length > 0 || (subcategory !== null && !def.subcategories.includes(subcategory)))
      throw Open311Errors.unknownService(code);
    return { category: def.category, subcategory };
  }
}
