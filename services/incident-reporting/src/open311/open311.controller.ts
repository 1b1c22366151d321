import { All, Controller, Get, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CONFIG } from '@civgrid/service-kit';
import { IncidentReportingConfig } from '../config/config';
import { HttpErrorFilter } from '../http/http-auth';
import { hasControlCharacters } from '../http/validation';
import { Open311Errors } from './open311.errors';
import { Open311Document, Open311Format, send, splitFormat } from './open311.format';
import { isMultipart, readMultipart } from './open311.multipart';
import { Open311Params } from './open311.params';
import { Open311Service } from './open311.service';

// At most as many photos as an incident holds.
const MAX_PHOTOS = 9;

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) and mySociety's servicerequestupdates,
 * every resource in `.xml` and `.json`. Discovery is at /open311/discovery.{xml,json} and beside the
 * endpoint, at /open311/v2/discovery.{xml,json}.
 */
@Controller('open311')
@UseFilters(HttpErrorFilter)
export class Open311Controller {
  constructor(
    private readonly open311: Open311Service,
    @Inject(CONFIG) private readonly config: IncidentReportingConfig,
  ) {}

  @Get(':file')
  discovery(@Req() req: Request, @Res() res: Response, @Param('file') file: string): void {
    const split = splitFormat(file);
    if (split?.stem !== 'discovery') throw Open311Errors.noSuchEndpoint(file);
    send(res, split.format, 200, this.open311.discovery(this.baseUrl(req)));
  }

  @Get('v2/:file')
  async get(@Req() req: Request, @Res() res: Response, @Param('file') file: string): Promise<void> {
    const { stem, format } = resource(file);
    const params = paramsOf(req);
    const answer = async (): Promise<Open311Document> => {
      switch (stem) {
        case 'discovery':
          return this.open311.discovery(this.baseUrl(req));
        case 'services':
          return this.open311.services(params);
        case 'requests':
          return this.open311.requests(params, this.baseUrl(req));
        case 'servicerequestupdates':
          return this.open311.updates(params);
        default:
          throw Open311Errors.noSuchEndpoint(file);
      }
    };
    send(res, format, 200, await answer());
  }

  @Get('v2/services/:file')
  async definition(@Req() req: Request, @Res() res: Response, @Param('file') file: string): Promise<void> {
    const { stem, format } = resource(file);
    send(res, format, 200, await this.open311.definition(paramsOf(req), stem));
  }

  @Get('v2/requests/:file')
  async one(@Req() req: Request, @Res() res: Response, @Param('file') file: string): Promise<void> {
    const { stem, format } = resource(file);
    if (hasControlCharacters(stem)) throw Open311Errors.controlCharacter('service_request_id');
    send(res, format, 200, await this.open311.request(paramsOf(req), stem, this.baseUrl(req)));
  }

  /** POST requests: form-encoded as the specification says, multipart/form-data with photos, or JSON. */
  @Post('v2/:file')
  async create(@Req() req: Request, @Res() res: Response, @Param('file') file: string): Promise<void> {
    const { stem, format } = resource(file);
    if (stem !== 'requests') throw Open311Errors.noSuchEndpoint(`POST ${file}`);
    let params = Open311Params.fromQuery(queryOf(req));
    let media: Buffer[] = [];
    if (isMultipart(req)) {
      const parts = await readMultipart(req, { maxFileBytes: this.config.PHOTO_MAX_BYTES, maxFiles: MAX_PHOTOS });
      params = params.with(parts.fields);
      media = parts.files;
    } else {
      params = params.withBody(req.body);
    }
    const token = req.headers['idempotency-key'];
    if (Array.isArray(token)) throw Open311Errors.repeated('Idempotency-Key');
    send(res, format, 201, await this.open311.create(params, media, token));
  }

  /** Anything else under the facade: not found, in the specification's error format rather than the framework's. */
  @All('*path')
  other(@Req() req: Request): never {
    const name = req.path.replace(/^\/open311\/(v2\/)?/, '');
    throw Open311Errors.noSuchEndpoint(req.method === 'GET' ? name : `${req.method} ${name}`);
  }

  // Where clients reach this service: PUBLIC_BASE_URL, or (without it) the origin this request came to.
  private baseUrl(req: Request): string {
    return this.config.PUBLIC_BASE_URL?.replace(/\/$/, '') ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
  }
}

function resource(file: string): { stem: string; format: Open311Format } {
  const split = splitFormat(file);
  if (!split) throw Open311Errors.format(file);
  return split;
}

const queryOf = (req: Request): string => {
  const at = req.originalUrl.indexOf('?');
  return at < 0 ? '' : req.originalUrl.slice(at + 1);
};

// The query string as the client wrote it: a repeated name stays visible (and is refused).
const paramsOf = (req: Request): Open311Params => Open311Params.fromQuery(queryOf(req));
