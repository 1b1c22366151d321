import { Controller, Get, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { within } from '@civgrid/errors';
import { ServiceRuntime, ServiceStatus } from './runtime';

/**
 * live = the process works; ready = it can serve requests (its database answers). The broker, the
 * outbox backlog and consumer lag are reported on /health/status and /metrics (MetricsController, prom-client) and never make a
 * service unready: while Kafka is away, changes are still accepted and their events wait in the outbox.
 */
@Controller()
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly runtime: ServiceRuntime,
  ) {}

  @Get('health/live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  async ready(): Promise<{ status: 'ok'; database: 'up' }> {
    try {
      await within(2000, this.dataSource.query('SELECT 1'));
    } catch (error) {
      throw new ServiceUnavailableException({ status: 'unavailable', problems: [`database: ${(error as Error).message}`] });
    }
    return { status: 'ok', database: 'up' };
  }

  /** Always 200 while the process answers: what is wrong is in the body (`degraded` lists it). */
  @Get('health/status')
  status(): Promise<ServiceStatus> {
    return this.runtime.status();
  }
}
