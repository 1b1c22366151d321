import { Controller, Get, Header, HttpCode, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ServiceRuntime, ServiceStatus } from './runtime';

const within = <T>(ms: number, work: Promise<T>): Promise<T> =>
  Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))]);

/**
 * live = the process works; ready = it can serve requests (its database answers). The broker, the
 * outbox backlog and consumer lag are reported on /health/status and /metrics and never make a
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

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async metrics(): Promise<string> {
    const s = await this.runtime.status();
    const service = s.service;
    const gauge = (name: string, help: string, value: number | null, labels = ''): string =>
      `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name}{service="${service}"${labels}} ${value ?? 'NaN'}\n`;
    return [
      gauge('civgrid_database_up', 'The database answers (1) or not (0).', s.database === 'up' ? 1 : 0),
      gauge('civgrid_kafka_up', 'The broker answers (1) or not (0).', s.kafka.broker === 'up' ? 1 : 0),
      gauge('civgrid_outbox_unpublished', 'Outbox rows not yet acknowledged by the broker.', s.outbox.unpublished),
      gauge('civgrid_outbox_oldest_unpublished_seconds', 'Age of the oldest unpublished outbox row.', s.outbox.oldestUnpublishedAgeSeconds),
      gauge('civgrid_outbox_relay_leader', 'This instance runs the active relay (1) or not (0).', s.relay.leader ? 1 : 0),
      gauge('civgrid_outbox_relay_consecutive_failures', 'Failed sends since the last success.', s.relay.consecutiveFailures),
      gauge(
        'civgrid_outbox_relay_producer_generation',
        'Producers made by the relay (more than 1: it replaced one).',
        s.relay.producerGeneration,
      ),
      gauge('civgrid_consumer_lag', 'Events on consumed topics not yet applied by this service (all partitions).', s.consumer?.lag ?? null),
    ].join('');
  }
}
