import { Controller, Get, HttpCode, Inject, ServiceUnavailableException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Kafka } from 'kafkajs';
import { KAFKA } from './tokens';

const within = <T>(ms: number, work: Promise<T>): Promise<T> =>
  Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms))]);

@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(KAFKA) private readonly kafka: Kafka,
  ) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready = the database answers and the broker answers. */
  @Get('ready')
  async ready(): Promise<{ status: 'ok'; database: 'up'; kafka: 'up' }> {
    const problems: string[] = [];
    await within(2000, this.dataSource.query('SELECT 1')).catch((e: Error) => problems.push(`database: ${e.message}`));
    const admin = this.kafka.admin();
    await within(
      3000,
      admin.connect().then(() => admin.describeCluster()),
    )
      .catch((e: Error) => problems.push(`kafka: ${e.message}`))
      .finally(() => admin.disconnect().catch(() => undefined));
    if (problems.length > 0) throw new ServiceUnavailableException({ status: 'unavailable', problems });
    return { status: 'ok', database: 'up', kafka: 'up' };
  }
}
