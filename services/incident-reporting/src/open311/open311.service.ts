import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { isWithin, Principal, Role } from '@civgrid/auth';
import { IncidentStatus } from '@civgrid/contracts';
import { Clock, CONFIG, GridReplicaService, LOGGER } from '@civgrid/service-kit';
import { IncidentReportingConfig } from '../config/config';
import { IncidentReadsService } from '../incident/incident-reads.service';
import { IncidentRow, PublicTimelineRow, PublicVisibility } from '../incident/incident.rows';
import { IncidentService } from '../incident/incident.service';
import { isOpen } from '../incident/incident.workflow';
import { IncidentPriorityEnum, IncidentSourceEnum, IncidentType } from '../incident/dto/incident.type';
import { PhotoService } from '../photo/photo.service';
import { Taxonomy, TAXONOMY } from '../taxonomy/taxonomy';
import { Open311Catalogue } from './open311.catalogue';
import { isUuid } from '../http/validation';
import { list, Open311Document, Open311Node } from './open311.format';
import { Open311Errors } from './open311.errors';
import { dateRange, Open311Params, w3c } from './open311.params';
import { Open311Client, Open311KeyService } from './open311-key.service';
import { Open311ReadGrantEnum } from './open311-key.type';

export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

/** The specification's limits: a window of at most 90 days, at most 1000 requests an answer. */
const MAX_DAYS = 90;
const MAX_RESULTS = 1000;

const AGENCY: Record<string, string> = {
  GRID: 'Grid member (网格员)',
  VILLAGE: 'Village or community committee',
  TOWN: 'Town or street office',
  DISTRICT: 'District',
};

// What a status says to the public; a rejection adds its reason where the reader may see it.
const STATUS_NOTES: Record<IncidentStatus, string> = {
  REPORTED: 'Received; waiting to be accepted.',
  ACCEPTED: 'Accepted by the community.',
  IN_PROGRESS: 'Being worked on.',
  RESOLVED: 'Resolved; waiting for the reporter to confirm.',
  CLOSED: 'Resolved and confirmed.',
  REJECTED: 'Rejected.',
};

// The timeline steps a citizen site follows (assignments and overdue marks are internal).
const UPDATE_TEXT: Record<string, string> = {
  REPORT: 'Received.',
  ACCEPT: 'Accepted by the community.',
  START: 'Work has started.',
  RESOLVE: 'Resolved; waiting for the reporter to confirm.',
  CLOSE: 'Resolved and confirmed.',
  REJECT: 'Rejected.',
  REOPEN: 'Reopened: the work goes on.',
  ESCALATE: 'Passed to a higher level to be handled.',
};
const PUBLIC_ACTIONS = Object.keys(UPDATE_TEXT);

/** A request as a GeoReport v2 client reads it, in the specification's element order. */
export type Open311Request = Record<
  | 'service_request_id'
  | 'status'
  | 'status_notes'
  | 'service_name'
  | 'service_code'
  | 'description'
  | 'agency_responsible'
  | 'service_notice'
  | 'requested_datetime'
  | 'updated_datetime'
  | 'expected_datetime'
  | 'address'
  | 'address_id'
  | 'zipcode'
  | 'lat'
  | 'long'
  | 'media_url',
  string | number | null
>;

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Open311 GeoReport v2 over the incident taxonomy and incidents, in XML and JSON. Reading needs no
 * key and shows only what the district publishes; filing needs a client application's key.
 */
@Injectable()
export class Open311Service {
  private readonly catalogue: Open311Catalogue;
  private readonly changeset: string;

  constructor(
    private readonly incidents: IncidentService,
    private readonly reads: IncidentReadsService,
    @Inject(TAXONOMY) taxonomy: Taxonomy,
    private readonly photos: PhotoService,
    private readonly keys: Open311KeyService,
    private readonly grids: GridReplicaService,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: IncidentReportingConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.catalogue = new Open311Catalogue(taxonomy, config.OPEN311_PUBLIC_CATEGORIES);
    // Discovery's changeset: services and definitions change only with the configuration, i.e. at a start.
    this.changeset = w3c(clock.now());
  }

  // ---------- discovery and services ----------

  discovery(baseUrl: string): Open311Document {
    return {
      root: 'discovery',
      body: {
        changeset: this.changeset,
        contact: this.config.OPEN311_CONTACT,
        key_service: this.config.OPEN311_KEY_SERVICE,
        endpoints: list('endpoint', [
          {
            specification: SPECIFICATION,
            url: `${baseUrl}/open311/v2`,
            changeset: this.changeset,
            type: this.config.NODE_ENV === 'production' ? 'production' : 'test',
            formats: list('format', ['text/xml', 'application/json']),
          },
        ]),
      },
    };
  }

  async services(params: Open311Params): Promise<Open311Document> {
    this.checkJurisdiction(params);
    await this.reader(params);
    return {
      root: 'services',
      body: list(
        'service',
        this.catalogue.services.map((s) => ({
          service_code: s.code,
          service_name: s.name,
          description: s.description,
          metadata: true,
          type: 'realtime',
          keywords: s.keywords,
          group: s.group,
        })),
      ),
    };
  }

  /** Every service takes the grid the request belongs to as its one attribute. */
  async definition(params: Open311Params, code: string): Promise<Open311Document> {
    this.checkJurisdiction(params);
    await this.reader(params);
    const service = this.catalogue.find(code);
    if (!service) throw Open311Errors.unknownService(code);
    return {
      root: 'service_definition',
      body: {
        service_code: service.code,
        attributes: list('attribute', [
          {
            variable: true,
            code: 'grid_id',
            datatype: 'string',
            required: false,
            datatype_description: 'The id (a UUID) of the CivGrid grid where it is. Leave it empty when your API key has a default grid.',
            order: 1,
            description: 'Grid',
            values: list('value', []),
          },
        ]),
      },
    };
  }

  checkJurisdiction(params: Open311Params): void {
    const id = params.get('jurisdiction_id');
    if (id !== undefined && id !== this.config.OPEN311_JURISDICTION_ID) throw Open311Errors.jurisdiction(id);
  }

  // ---------- filing ----------

  /**
   * POST requests: needs a client's key; the grid is `attribute[grid_id]` or the key's default.
   * Photos go through the photo path. A repeat of the same content with the same key within the
   * window (or with the same Idempotency-Key header) answers the first request instead of filing again.
   */
  async create(params: Open311Params, media: readonly Buffer[], token: string | undefined): Promise<Open311Document> {
    this.checkJurisdiction(params);
    const apiKey = params.get('api_key');
    if (!apiKey) throw Open311Errors.keyMissing();
    const client = await this.keys.authenticate(apiKey);
    const serviceCode = params.get('service_code');
    if (!serviceCode) throw Open311Errors.missing('service_code');
    const service = this.catalogue.find(serviceCode);
    if (!service) throw Open311Errors.unknownService(serviceCode);
    const lat = coordinate(params, 'lat', 90);
    const long = coordinate(params, 'long', 180);
    if ((lat === undefined) !== (long === undefined)) throw Open311Errors.halfAPoint();
    const address = params.get('address_string');
    const addressId = params.get('address_id');
    if (lat === undefined && !address && !addressId) throw Open311Errors.noLocation();
    if (address && address.length > 300) throw Open311Errors.tooLong('address_string', 300);
    if (addressId && !isUuid(addressId)) throw Open311Errors.malformedId('address_id', 'a dwelling id of the population registry');
    const gridId = params.attributes().get('grid_id') ?? client.defaultGridId ?? undefined;
    if (!gridId) throw Open311Errors.missing('attribute[grid_id]');
    if (!isUuid(gridId)) throw Open311Errors.malformedId('attribute[grid_id]', 'a grid id');
    const description = params.get('description') ?? '';
    if (description.length > 4000) throw Open311Errors.tooLong('description', 4000);
    if (token !== undefined && !/^[\x21-\x7e]{1,255}$/.test(token))
      throw Open311Errors.tooLong('Idempotency-Key (visible ASCII characters)', 255);

    // A key files only in its areas; a grid elsewhere is refused as the key's limit (403), not hidden.
    const [grid] = await this.grids.getMany([gridId]);
    if (grid && !client.areaPaths.some((a) => isWithin(grid.path, a))) throw Open311Errors.gridOutsideKey(gridId);
    const principal = clientPrincipal(client);
    const photos = [];
    for (const bytes of media) photos.push(await this.photos.upload(principal, bytes));
    const content = JSON.stringify([service.code, lat, long, address, addressId, gridId, description, photos.map((p) => p.sha256).sort()]);
    const window = this.config.OPEN311_IDEMPOTENCY_WINDOW_SECONDS * 1000;
    const now = this.clock.now().getTime();
    // Retries are named by what they say: a key per window and content, and the window before is looked at too.
    let idempotencyKey: string;
    if (token !== undefined) {
      idempotencyKey = `t:${sha256(token)}`;
    } else {
      const period = Math.floor(now / window);
      idempotencyKey = `c:${sha256(content)}:${period}`;
      const earlier = await this.reads.reportedWith(principal.userId, [`c:${sha256(content)}:${period - 1}`], new Date(now - window));
      if (earlier) return this.created(earlier);
    }
    const incident = await this.incidents.report(principal, {
      gridId,
      title: service.name,
      description,
      category: service.category,
      subcategory: service.subcategory ?? undefined,
      priority: IncidentPriorityEnum.NORMAL,
      source: IncidentSourceEnum.OPEN311,
      location: { addressText: address, dwellingId: addressId, latitude: lat, longitude: long },
      photoIds: [...new Set(photos.map((p) => p.id))],
      idempotencyKey,
    });
    this.logger.info({ open311KeyId: client.id, incidentId: incident.id, photos: photos.length }, 'Open311 request filed');
    return this.created(incident);
  }

  private created(incident: IncidentType): Open311Document {
    return {
      root: 'service_requests',
      body: list('request', [
        {
          service_request_id: incident.number,
          service_notice: incident.acceptDueAt ? `The grid will answer by ${w3c(incident.acceptDueAt)}.` : null,
          account_id: null,
        },
      ]),
    };
  }

  // ---------- reading ----------

  /** GET requests: by ids (which override every other filter), or a window of at most 90 days; newest first, at most 1000. */
  async requests(params: Open311Params, baseUrl: string): Promise<Open311Document> {
    this.checkJurisdiction(params);
    const client = await this.reader(params);
    const visibility = this.visibilityFor(client);
    const ids = params.list('service_request_id');
    let rows: IncidentRow[];
    if (ids) {
      if (ids.length > MAX_RESULTS) throw Open311Errors.tooManyIds(MAX_RESULTS);
      rows = await this.reads.publicSearch({ visibility, numbers: ids, limit: MAX_RESULTS });
    } else {
      const { from, to } = dateRange(params, this.clock.now(), MAX_DAYS);
      const status = params.list('status');
      if (status?.some((s) => s !== 'open' && s !== 'closed')) throw Open311Errors.status();
      const codes = params.list('service_code');
      rows = await this.reads.publicSearch({
        visibility,
        reportedFrom: from,
        reportedTo: to,
        services: codes?.map((c) =>
          this.catalogue.readable(c, Boolean(client?.readGrants.includes(Open311ReadGrantEnum.UNPUBLISHED_SERVICES))),
        ),
        open: status && status.length === 1 ? status[0] === 'open' : undefined,
        limit: MAX_RESULTS,
      });
    }
    return {
      root: 'service_requests',
      body: list(
        'request',
        rows.map((r) => this.toRequest(r, client, baseUrl)),
      ),
    };
  }

  async request(params: Open311Params, id: string, baseUrl: string): Promise<Open311Document> {
    this.checkJurisdiction(params);
    const client = await this.reader(params);
    const [row] = await this.reads.publicSearch({ visibility: this.visibilityFor(client), numbers: [id], limit: 1 });
    if (!row) throw Open311Errors.notFound(id);
    return { root: 'service_requests', body: list('request', [this.toRequest(row, client, baseUrl)]) };
  }

  /** mySociety's extension GET servicerequestupdates: the steps of visible requests in a window, oldest first, at most 1000. */
  async updates(params: Open311Params): Promise<Open311Document> {
    this.checkJurisdiction(params);
    const client = await this.reader(params);
    const { from, to } = dateRange(params, this.clock.now(), MAX_DAYS);
    const rows = await this.reads.publicTimeline({
      visibility: this.visibilityFor(client),
      from,
      to,
      actions: PUBLIC_ACTIONS,
      limit: MAX_RESULTS,
    });
    return {
      root: 'service_request_updates',
      body: list(
        'request_update',
        rows.map((r) => this.toUpdate(r, client)),
      ),
    };
  }

  /** A reader's key is optional on every GET; one that is given must be valid (403 otherwise) and counts against its limit. */
  private async reader(params: Open311Params): Promise<Open311Client | null> {
    const apiKey = params.get('api_key');
    return apiKey ? this.keys.authenticate(apiKey) : null;
  }

  private visibilityFor(client: Open311Client | null): PublicVisibility {
    return {
      categories: this.catalogue.published,
      alsoAllCategoriesIn: client?.readGrants.includes(Open311ReadGrantEnum.UNPUBLISHED_SERVICES) ? client.areaPaths : undefined,
    };
  }

  /** May this reader see more of a request than the public? Only for a grant of its key, in the key's areas. */
  private granted(client: Open311Client | null, gridPath: string, grant: Open311ReadGrantEnum): boolean {
    return Boolean(client?.readGrants.includes(grant) && client.areaPaths.some((a) => isWithin(gridPath, a)));
  }

  private toRequest(r: IncidentRow, client: Open311Client | null, baseUrl: string): Open311Request {
    const service = this.catalogue.serviceOf(r.category, r.subcategory);
    const exact = this.granted(client, r.gridPath, Open311ReadGrantEnum.EXACT_LOCATION);
    // What a reporter wrote through Open311 was written for the public; what staff recorded is shown only to a granted key.
    const text = r.source === 'OPEN311' || this.granted(client, r.gridPath, Open311ReadGrantEnum.STAFF_REPORTS);
    const round = (v: number | null) => (v === null || exact ? v : roundTo(v, this.config.OPEN311_PUBLISHED_PRECISION));
    return {
      service_request_id: r.number,
      status: isOpen(r.status) ? 'open' : 'closed',
      status_notes: r.status === 'REJECTED' && text && r.rejectionReason ? `Rejected: ${r.rejectionReason}` : STATUS_NOTES[r.status],
      service_name: service.name,
      service_code: service.code,
      description: text ? r.description : null,
      agency_responsible: AGENCY[r.escalationLevel],
      service_notice: null,
      requested_datetime: w3c(r.reportedAt),
      updated_datetime: w3c(r.updatedAt),
      expected_datetime: isOpen(r.status) && r.resolveDueAt ? w3c(r.resolveDueAt) : null,
      address: exact ? r.addressText : null,
      address_id: exact ? r.dwellingId : null,
      zipcode: null,
      lat: round(r.latitude),
      long: round(r.longitude),
      media_url:
        text && r.photoIds[0]
          ? `${baseUrl}${this.photos.signedPath(r.photoIds[0], this.config.OPEN311_MEDIA_URL_TTL_SECONDS, 86_400)}`
          : null,
    };
  }

  private toUpdate(r: PublicTimelineRow, client: Open311Client | null): Open311Node {
    const text = r.source === 'OPEN311' || this.granted(client, r.gridPath, Open311ReadGrantEnum.STAFF_REPORTS);
    return {
      update_id: r.id,
      service_request_id: r.number,
      status: isOpen(r.toStatus) ? 'open' : 'closed',
      updated_datetime: w3c(r.at),
      description: r.action === 'REJECT' && text && r.note ? `Rejected: ${r.note}` : UPDATE_TEXT[r.action],
      media_url: null,
    };
  }
}

/** A client application files as a reporter scoped to its key's areas (no person stands behind it). */
function clientPrincipal(client: Open311Client): Principal {
  return { userId: `open311:${client.id}`, name: client.clientName, roles: [Role.COMMUNITY_OFFICER], areas: client.areaPaths, grids: [] };
}

function coordinate(params: Open311Params, name: string, bound: number): number | undefined {
  const value = params.get(name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(value) || !Number.isFinite(n) || Math.abs(n) > bound) throw Open311Errors.coordinate(name, bound);
  return n;
}

const roundTo = (value: number, places: number): number => {
  const f = 10 ** places;
  return Math.round(value * f) / f;
};
