import { All, Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseFilters } from '@nestjs/common';
import type { Request } from 'express';
import { Principal, TokenVerifier } from '@civgrid/auth';
import { HttpErrorFilter } from '../http/http-auth';
import { Open311Errors } from './open311.errors';
import { Open311Service } from './open311.service';

type Fields = Record<string, unknown>;

/** `services.json` → `services`; `.xml` (optional in the spec) is refused with a clear error (in XML). */
function stem(file: string): string {
  if (file.endsWith('.json')) return file.slice(0, -'.json'.length);
  throw Open311Errors.format();
}

const body = (b: unknown): Fields => (b && typeof b === 'object' && !Array.isArray(b) ? (b as Fields) : {});

/**
 * Open311 GeoReport v2 (JSON) over the incident taxonomy and incidents. The service list is public,
 * as the spec expects; reading and filing requests needs a CivGrid token, given as the spec's
 * `api_key` (form field or query parameter) or as `Authorization: Bearer`.
 */
@Controller('open311/v2')
@UseFilters(HttpErrorFilter)
export class Open311Controller {
  constructor(
    private readonly open311: Open311Service,
    private readonly verifier: TokenVerifier,
  ) {}

  @Get('services.json')
  services(@Query() query: Fields) {
    this.open311.checkJurisdiction(typeof query['jurisdiction_id'] === 'string' ? query['jurisdiction_id'] : undefined);
    return this.open311.services();
  }

  @Get('services/:file')
  service(@Param('file') file: string) {
    return this.open311.definition(stem(file));
  }

  @Post('requests.json')
  @HttpCode(201)
  async create(@Req() req: Request, @Body() raw: unknown) {
    const fields = body(raw);
    return this.open311.create(await this.principal(req, fields), fields);
  }

  @Get('requests.json')
  async list(@Req() req: Request, @Query() query: Fields) {
    return this.open311.list(await this.principal(req, query), query);
  }

  @Get('requests/:file')
  async one(@Req() req: Request, @Param('file') file: string, @Query() query: Fields) {
    const id = stem(file);
    return this.open311.one(await this.principal(req, query), id, query);
  }

  /**
   * Anything else under the facade: another format of a known resource (`requests.xml`) is refused
   * as a format, the rest is not found, both in the spec's error format rather than the framework's.
   */
  @All('*path')
  other(@Req() req: Request): never {
    const name = req.path.replace(/^\/open311\/v2\//, '');
    if (/^(services|requests)(\/[^/]+)?\.[A-Za-z0-9]+$/.test(name) && !name.endsWith('.json')) throw Open311Errors.format();
    throw Open311Errors.noSuchEndpoint(req.method === 'GET' ? name : `${req.method} ${name}`);
  }

  private principal(req: Request, fields: Fields): Promise<Principal> {
    const apiKey = fields['api_key'];
    if (typeof apiKey === 'string' && apiKey !== '') return this.verifier.verify(apiKey);
    return this.verifier.verifyHeader(req.headers.authorization);
  }
}
