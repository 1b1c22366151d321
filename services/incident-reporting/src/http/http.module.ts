import { ArgumentsHost, Catch, Inject, Module } from '@nestjs/common';
import { APP_FILTER, BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';
import type { Request } from 'express';
import type { Logger } from 'pino';
import { LOGGER } from '@civgrid/service-kit';
import { HttpErrorFilter } from './http-auth';

const OWN_ENDPOINTS = /^\/(photos|open311)(\/|$)/;

/**
 * What fails before a controller runs (a body parser refusing malformed JSON, a path Express cannot
 * decode) reaches only global filters. Under this service's own HTTP endpoints it gets their error
 * format; everything else (GraphQL, health) is left exactly as Nest and Apollo handle it.
 */
@Catch()
export class HttpEdgeErrorFilter extends BaseExceptionFilter {
  private readonly own: HttpErrorFilter;

  constructor(adapterHost: HttpAdapterHost, @Inject(LOGGER) logger: Logger) {
    super(adapterHost.httpAdapter);
    this.own = new HttpErrorFilter(logger);
  }

  override catch(error: unknown, host: ArgumentsHost): void {
    // GraphQL resolvers: rethrown, so Apollo's error formatter sees it as it would without this filter.
    if (host.getType() !== 'http') throw error;
    if (OWN_ENDPOINTS.test(host.switchToHttp().getRequest<Request>().path)) return this.own.catch(error, host);
    return super.catch(error, host);
  }
}

@Module({ providers: [{ provide: APP_FILTER, useClass: HttpEdgeErrorFilter }] })
export class HttpEdgeModule {}
